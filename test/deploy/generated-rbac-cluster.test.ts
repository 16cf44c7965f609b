/**
 * The RBAC podfn generates, applied to the emulated cluster (which authorizes as a real API
 * server does): a workload with ServiceAccount caller auth can create TokenReviews and nothing
 * more (not SubjectAccessReviews, which `system:auth-delegator` would grant); a subresource
 * create limited by resourceNames allows that object only.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startCluster, clientFor, grantDeclaredPermissions, type Cluster } from "podfn/testing";
import { KubeForbiddenError, type KubeClient } from "podfn";
import { loaded } from "./helpers.js";

const NS = "rbac-e2e";
let cluster: Cluster;
let admin: KubeClient;

before(async () => {
  cluster = await startCluster();
  admin = await clientFor({ server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken });
});
after(async () => {
  await admin.close();
  await cluster.stop();
});

async function clientAs(name: string): Promise<KubeClient> {
  const sa = await cluster.serviceAccount(NS, name);
  return clientFor({ server: cluster.url, caPem: cluster.caPem, token: sa.token, namespace: NS });
}

test("ServiceAccount caller auth: the workload reviews tokens, and cannot review access", async () => {
  const fn = loaded({ name: "internal", http: { auth: { type: "serviceAccount", allow: ["system:serviceaccount:ops:caller"] } }, handler() {} });
  await grantDeclaredPermissions(admin, NS, "podfn-http", [fn]);
  const kube = await clientAs("podfn-http");
  try {
    const caller = await cluster.serviceAccount(NS, "caller");
    const review = await kube.tokenReview(caller.token);
    assert.equal(review.authenticated, true);
    assert.equal(review.user?.username, `system:serviceaccount:${NS}:caller`);
    const sar = { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { user: "someone", resourceAttributes: { verb: "get", resource: "pods" } } };
    await assert.rejects(kube.request({ method: "POST", path: "/apis/authorization.k8s.io/v1/subjectaccessreviews", body: sar }), KubeForbiddenError);
  } finally {
    await kube.close();
  }
});

test("create on pods/eviction limited by resourceNames evicts that pod only", async () => {
  const fn = loaded({ name: "evict-one", permissions: [{ apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"], resourceNames: ["web-0"] }], schedule: { cron: "@daily" }, handler() {} });
  await grantDeclaredPermissions(admin, NS, "podfn-evict-one", [fn]);
  for (const name of ["web-0", "web-1"]) await admin.pods.create({ metadata: { name, namespace: NS }, spec: { containers: [{ name: "app", image: "busybox" }] } }, { namespace: NS });
  const kube = await clientAs("podfn-evict-one");
  try {
    await kube.pods.evict("web-0");
    await assert.rejects(kube.pods.evict("web-1"), KubeForbiddenError);
  } finally {
    await kube.close();
  }
});
