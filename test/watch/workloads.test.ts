/**
 * Watches of functions in named workloads, deployed from the generated manifests and run as each
 * workload's own ServiceAccount (as `serve --workload` runs them in its Deployment): a function
 * is refused (403) what only another workload's function is granted, and that function is
 * allowed it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { clusterForFile } from "../helpers/cluster-clients.js";
import { KubeForbiddenError } from "../../runtime/kube/index.js";
import { loaded, until } from "../schedule/helpers.js";
import { deployed } from "./helpers.js";

const file = clusterForFile("default");

test("a function in a named workload is refused (403) listing the Secrets only another workload's function is granted; that one lists them", async (t) => {
  const admin = await file.client();
  const outcomes: Record<string, string> = {};
  /** A watch of ConfigMaps whose calls list Secrets, recording how that went. */
  const lister = (name: string, workload: string, grantedSecrets: boolean) =>
    loaded({
      name,
      workload,
      watch: { resource: "configmaps", labelSelector: "suite=workloads", events: ["ADDED"] },
      ...(grantedSecrets ? { permissions: [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }] } : { kubeApi: true }),
      async handler({ kube }) {
        try {
          await kube.secrets.listPage();
          outcomes[name] = "listed";
        } catch (error) {
          outcomes[name] = error instanceof KubeForbiddenError ? `refused ${error.statusCode}` : String(error);
        }
      },
    });
  await deployed(t, file, [lister("public-hook", "public", false), lister("secret-reader", "controllers", true)]);
  await admin.configMaps.create({ metadata: { name: "workloads-1", labels: { suite: "workloads" } } });
  await until(() => Object.keys(outcomes).length === 2, "both watches' calls", 10_000);
  assert.deepEqual(outcomes, { "public-hook": "refused 403", "secret-reader": "listed" });
});
