/**
 * A create's managedFields entry is the Update entry a real 1.32 server recorded: the fields of
 * the decoded, defaulted object (a pod's before admission), `"."` on the maps and list items
 * the create made that the kind's Go zero value lacks (a Deployment's `rollingUpdate` and
 * `labels`, not its `spec`, `template` or `strategy`), atomic values (`selector`, `roleRef`) as
 * one field, status and server-set metadata left out.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fixture, testCluster, type TestCluster } from "./helpers.js";

/** Recorded creates whose entry the emulator matches (a Job's generated selector and labels, an Event's empty fields: see the README). */
const RECORDED = ["create-namespace", "create-deployment-defaults", "create-secret-defaults", "create-configmap-dryrun", "create-cronjob", "create-lease", "create-role", "create-rolebinding", "create-pod-defaults"];

describe("managedFields of a create", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  for (const name of RECORDED) {
    test(`${name}: the recorded entry's fieldsV1`, async () => {
      const f = fixture(name);
      // Into `default` (a Namespace as recorded).
      const body = name === "create-namespace" ? f.request.body : JSON.parse(JSON.stringify(f.request.body).replaceAll('"golden"', '"default"'));
      const res = await t.send(f.request.method, f.request.path.replace("/namespaces/golden/", "/namespaces/default/"), { body });
      assert.equal(res.status, 201, res.text);
      const entries = (b: any) => b.metadata.managedFields.map((e: any) => [e.operation, e.apiVersion, e.fieldsV1]);
      assert.deepEqual(entries(res.body), entries(f.response.body));
    });
  }
});
