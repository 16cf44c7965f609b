/**
 * The ServiceAccount admission plugin on a pod's create: the named ServiceAccount must exist
 * (403 in the plugin's words, dry run too), the token volume is mounted unless the pod or else
 * its ServiceAccount turns automounting off, and the ServiceAccount's image pull secrets are
 * the pod's when it has none. A new namespace gets its `default` ServiceAccount and
 * `kube-root-ca.crt` from the controllers, so a pod may be created in it at once.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const NS = "/api/v1/namespaces/saa";
const pod = (name: string, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = { name }) => ({
  apiVersion: "v1", kind: "Pod", metadata: meta, spec: { containers: [{ name: "main", image: "busybox" }], ...spec },
});
const tokenVolumes = (p: any) => (p.spec.volumes ?? []).filter((v: any) => v.name.startsWith("kube-api-access-")).length;

describe("ServiceAccount admission", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("saa");
  });
  after(() => t.close());

  test("a pod naming a ServiceAccount that does not exist is 403, dry run too; a generateName pod is named by its prefix", async () => {
    for (const query of ["", "?dryRun=All"]) {
      const refused = await t.send("POST", `${NS}/pods${query}`, { body: pod("pp", { serviceAccountName: "nosa" }) });
      assert.equal(refused.status, 403);
      assert.deepEqual(refused.body, {
        kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
        message: 'pods "pp" is forbidden: error looking up service account saa/nosa: serviceaccount "nosa" not found',
        reason: "Forbidden", details: { name: "pp", kind: "pods" }, code: 403,
      });
    }
    const generated = await t.send("POST", `${NS}/pods`, { body: pod("", { serviceAccount: "gone" }, { generateName: "web-" }) });
    assert.equal(generated.body.message, 'pods "web-" is forbidden: error looking up service account saa/gone: serviceaccount "gone" not found');
    assert.equal((await t.send("GET", `${NS}/pods/pp`)).status, 404);
  });

  test("the token is mounted unless the pod, or else its ServiceAccount, turns automounting off; the ServiceAccount's pull secrets are the pod's", async () => {
    await t.send("POST", `${NS}/serviceaccounts`, { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "quiet" }, automountServiceAccountToken: false, imagePullSecrets: [{ name: "registry" }] } });
    const quiet = (await t.send("POST", `${NS}/pods`, { body: pod("quiet", { serviceAccountName: "quiet" }) })).body;
    assert.equal(tokenVolumes(quiet), 0);
    assert.equal(quiet.spec.containers[0].volumeMounts, undefined);
    assert.deepEqual(quiet.spec.imagePullSecrets, [{ name: "registry" }]);
    const override = (await t.send("POST", `${NS}/pods`, { body: pod("override", { serviceAccountName: "quiet", automountServiceAccountToken: true, imagePullSecrets: [{ name: "own" }] }) })).body;
    assert.equal(tokenVolumes(override), 1);
    assert.deepEqual(override.spec.imagePullSecrets, [{ name: "own" }]);
    const plain = (await t.send("POST", `${NS}/pods`, { body: pod("plain") })).body;
    assert.equal(plain.spec.serviceAccountName, "default");
    assert.equal(tokenVolumes(plain), 1);
    assert.equal(plain.spec.imagePullSecrets, undefined);
  });

  test("the token mount goes to each container not already mounting the token path; the volume only when one took it and the pod has none", async () => {
    const mountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
    const own = (await t.send("POST", `${NS}/pods`, { body: pod("own-token", { volumes: [{ name: "tok", emptyDir: {} }], containers: [{ name: "main", image: "busybox", volumeMounts: [{ name: "tok", mountPath }] }] }) })).body;
    assert.deepEqual(own.spec.volumes.map((v: { name: string }) => v.name), ["tok"], "every container mounts the path: no token volume");
    const existing = (await t.send("POST", `${NS}/pods`, { body: pod("existing", { volumes: [{ name: "kube-api-access-mine", emptyDir: {} }], containers: [{ name: "main", image: "busybox" }] }) })).body;
    assert.deepEqual(existing.spec.volumes.map((v: { name: string }) => v.name), ["kube-api-access-mine"]);
    assert.deepEqual(existing.spec.containers[0].volumeMounts, [{ name: "kube-api-access-mine", readOnly: true, mountPath }], "the existing volume is mounted");
  });

  test("a namespace gets its default ServiceAccount and kube-root-ca.crt as it is created", async () => {
    assert.equal((await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "saa-new" } } })).status, 201);
    assert.equal((await t.send("GET", "/api/v1/namespaces/saa-new/serviceaccounts/default")).status, 200);
    const ca = await t.send("GET", "/api/v1/namespaces/saa-new/configmaps/kube-root-ca.crt");
    assert.equal(ca.body.data["ca.crt"], t.cluster.caPem);
    assert.equal((await t.send("POST", "/api/v1/namespaces/saa-new/pods", { body: pod("first") })).status, 201);
  });
});
