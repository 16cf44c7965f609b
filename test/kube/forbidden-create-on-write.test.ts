/**
 * A server-side apply (or a PUT of a Lease, Service...) that would create its object is refused
 * by 1.32 with `<resource> "<name>" is forbidden: ` and no sentence naming the verb (patch.go's
 * withAuthorization): the client's KubeForbiddenError still names the rule to declare, `create`
 * (no resourceNames: they cannot limit a create), with the namespace only when it is not the
 * client's own, and the message says why.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startCluster, clientFor, ensureNamespace, type Cluster } from "podfn/testing";
import { KubeForbiddenError, type KubeClient } from "podfn";

const NS = "writer-home";

describe("a 403 for a write that would create its object", () => {
  let cluster: Cluster;
  let sa: KubeClient;
  let admin: KubeClient;
  before(async () => {
    cluster = await startCluster();
    admin = await clientFor({ server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken, namespace: NS });
    await ensureNamespace(admin, NS);
    await ensureNamespace(admin, "elsewhere");
    const account = await cluster.serviceAccount(NS, "applier");
    for (const namespace of [NS, "elsewhere"]) {
      await admin.roles.create({ metadata: { name: "patch", namespace }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["patch"] }, { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["update"] }] }, { namespace });
      await admin.roleBindings.create({ metadata: { name: "patch", namespace }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "patch" }, subjects: [{ kind: "ServiceAccount", name: "applier", namespace: NS }] }, { namespace });
    }
    sa = await clientFor({ server: cluster.url, caPem: cluster.caPem, tokenFile: join(account.dir, "token"), namespace: NS });
  });
  after(async () => {
    await sa?.close();
    await admin?.close();
    await cluster?.stop();
  });

  const refusal = async (write: Promise<unknown>) => {
    const error = await write.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof KubeForbiddenError, String(error));
    return error;
  };

  test("an apply in the client's own namespace names create, without a namespace", async () => {
    const error = await refusal(sa.configMaps.apply({ metadata: { name: "copy" }, data: { a: "1" } }, { fieldManager: "t" }));
    const { user: _user, ...rule } = error.missingPermission ?? {};
    assert.deepEqual(rule, { apiGroups: [""], resources: ["configmaps"], verbs: ["create"] });
    assert.match(error.message, /missing permission: \{ apiGroups: \[""\], resources: \["configmaps"\], verbs: \["create"\] \}/);
    assert.match(error.message, /would create/);
  });

  test("an apply in another namespace names it", async () => {
    const error = await refusal(sa.configMaps.apply({ metadata: { name: "copy" }, data: { a: "1" } }, { fieldManager: "t", namespace: "elsewhere" }));
    assert.deepEqual(error.missingPermission, { apiGroups: [""], resources: ["configmaps"], verbs: ["create"], namespace: "elsewhere" });
  });

  test("a PUT that would create a Lease names create in its group", async () => {
    const error = await refusal(sa.leases.replace({ metadata: { name: "l1" }, spec: { holderIdentity: "x" } }));
    assert.deepEqual(error.missingPermission, { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] });
  });

  test("an admission plugin's 403 on a PATCH names no permission", async () => {
    const parsed = new KubeForbiddenError(
      { kind: "Status", apiVersion: "v1", status: "Failure", code: 403, reason: "Forbidden", message: 'pods "x" is forbidden: violates PodSecurity "restricted:latest"' },
      403,
      { method: "PATCH", path: `/api/v1/namespaces/${NS}/pods/x` },
    );
    assert.equal(parsed.missingPermission, undefined);
  });
});
