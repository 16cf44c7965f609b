/**
 * Real kubectl (1.32) with CustomResourceDefinitions on the emulated cluster: apply a CRD and
 * wait for it to be established, apply and get its resources by plural, short name and
 * category with the CRD's printer columns, scale one through its scale subresource, and delete
 * the CRD with its resources. Skipped when kubectl is not on PATH.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { kubectlCluster, type KubectlCluster } from "./helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: backups.ops.example.com
spec:
  group: ops.example.com
  scope: Namespaced
  names: {plural: backups, kind: Backup, shortNames: [bk], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
    additionalPrinterColumns:
    - {name: Target, type: string, jsonPath: .spec.target}
    - {name: Keep, type: integer, jsonPath: .spec.keep}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              target: {type: string}
              keep: {type: integer, default: 7}
              replicas: {type: integer}
          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

const BACKUP = `apiVersion: ops.example.com/v1
kind: Backup
metadata: {name: nightly, namespace: default}
spec: {target: db, replicas: 1}
`;

describe("kubectl with CustomResourceDefinitions", { skip: hasKubectl ? false : "kubectl is not on PATH" }, () => {
  let t: KubectlCluster;
  const kubectl = (...args: string[]) => t.kubectl(...args);

  before(async () => {
    t = await kubectlCluster({ "crd.yaml": CRD, "backup.yaml": BACKUP });
  });
  after(() => t.close());

  test("apply a CRD, wait for Established, apply a resource and get it by plural, short name and category", async () => {
    assert.match(await kubectl("apply", "-f", join(t.dir, "crd.yaml")), /customresourcedefinition.apiextensions.k8s.io\/backups.ops.example.com created/);
    assert.match(await kubectl("wait", "--for", "condition=established", "crd/backups.ops.example.com", "--timeout", "10s"), /condition met/);
    assert.match(await kubectl("apply", "-f", join(t.dir, "backup.yaml")), /backup.ops.example.com\/nightly created/);
    const table = await kubectl("get", "backups");
    assert.match(table, /^NAME\s+TARGET\s+KEEP\n/);
    assert.match(table, /\nnightly\s+db\s+7\n/);
    assert.match(await kubectl("get", "bk", "-o", "name"), /^backup.ops.example.com\/nightly\n$/);
    assert.match(await kubectl("get", "all", "-o", "name"), /backup.ops.example.com\/nightly/);
  });

  test("scale through the scale subresource, then delete the CRD with its resources", async () => {
    assert.match(await kubectl("scale", "backup/nightly", "--replicas", "3"), /backup.ops.example.com\/nightly scaled/);
    assert.equal(await kubectl("get", "backup/nightly", "-o", "jsonpath={.spec.replicas}"), "3");
    assert.match(await kubectl("delete", "crd", "backups.ops.example.com"), /deleted/);
    const gone = await run("kubectl", ["--kubeconfig", t.kubeconfig, "get", "crd", "backups.ops.example.com"]).then(() => "", (e: { stderr: string }) => e.stderr);
    assert.match(gone, /NotFound/);
  });
});
