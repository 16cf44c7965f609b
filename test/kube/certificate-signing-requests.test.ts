/**
 * `kube.certificateSigningRequests.approve` / `deny` against the emulated cluster: the condition
 * kubectl certificate approve|deny adds, through /approval; a request decided the same way is not
 * written again; one decided the other way is `kube_csr_decided`; a conflict is read afresh and
 * tried again; a dry run writes nothing; the approver needs `approve` on the signer. Also the
 * typed accessors for PersistentVolumes, HPAs, StorageClasses and PriorityClasses.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { CertificateSigningRequest } from "kubernetes-types/certificates/v1.js";
import { CertificateDecidedError, KubeForbiddenError, isKubeError, type KubeClient } from "podfn";
import { clientFor, ensureNamespace } from "podfn/testing";
import { testCluster, type TestCluster } from "../cluster/helpers.js";
import { csrPem, requestOf } from "../cluster/csr-pem.js";

const request = (name: string): CertificateSigningRequest => ({
  metadata: { name },
  spec: { request: requestOf(csrPem(name)), signerName: "example.com/serving", usages: ["digital signature", "server auth"] },
});

describe("certificateSigningRequests.approve and deny", () => {
  let t: TestCluster;
  let admin: KubeClient;

  before(async () => {
    t = await testCluster();
    admin = await clientFor({ server: t.cluster.url, caPem: t.cluster.caPem, token: t.cluster.adminToken });
  });
  after(async () => {
    await admin.close();
    await t.close();
  });

  const writesOf = (name: string) => t.cluster.requests.filter((r) => r.method === "PUT" && r.path.startsWith(`/apis/certificates.k8s.io/v1/certificatesigningrequests/${name}/approval`)).length;

  test("approve adds the Approved condition through /approval; approving again writes nothing", async () => {
    await admin.certificateSigningRequests.create(request("web"));
    const approved = await admin.certificateSigningRequests.approve("web", { reason: "ServingCertPolicy", message: "IPs match the node" });
    const [condition] = approved.status?.conditions ?? [];
    assert.deepEqual([condition?.type, condition?.status, condition?.reason, condition?.message], ["Approved", "True", "ServingCertPolicy", "IPs match the node"]);
    assert.ok(condition?.lastTransitionTime, "the server sets lastTransitionTime");
    assert.deepEqual((await admin.certificateSigningRequests.get("web")).status?.conditions?.map((c) => c.type), ["Approved"]);
    assert.equal(writesOf("web"), 1);

    const again = await admin.certificateSigningRequests.approve("web");
    assert.equal(again.metadata?.resourceVersion, approved.metadata?.resourceVersion);
    assert.equal(writesOf("web"), 1);
  });

  test("deny of an approved request is kube_csr_decided, naming it; deny of a pending one adds Denied with podfn's default reason", async () => {
    await admin.certificateSigningRequests.create(request("api"));
    await admin.certificateSigningRequests.approve("api");
    const refused = await admin.certificateSigningRequests.deny("api").catch((e: unknown) => e);
    assert.ok(refused instanceof CertificateDecidedError);
    assert.ok(isKubeError(refused, "kube_csr_decided"));
    assert.equal(refused.message, 'certificate signing request "api" is already Approved');
    assert.equal(refused.decision, "Approved");

    await admin.certificateSigningRequests.create(request("rogue"));
    const denied = await admin.certificateSigningRequests.deny("rogue");
    assert.deepEqual(denied.status?.conditions?.map((c) => [c.type, c.reason, c.message]), [["Denied", "PodfnDeny", "This CSR was denied by podfn."]]);
  });

  test("a conflict on /approval reads the request afresh and writes again", async () => {
    await admin.certificateSigningRequests.create(request("raced"));
    const restore = t.cluster.inject({ match: { verb: "update", resource: "certificatesigningrequests/approval", name: "raced" }, status: 409, times: 1 });
    try {
      const approved = await admin.certificateSigningRequests.approve("raced");
      assert.deepEqual(approved.status?.conditions?.map((c) => c.type), ["Approved"]);
    } finally {
      restore();
    }
    assert.equal(writesOf("raced"), 2);
    assert.equal(t.cluster.requests.filter((r) => r.method === "GET" && r.path === "/apis/certificates.k8s.io/v1/certificatesigningrequests/raced").length, 2);
  });

  test("a dry run is checked by the server and stores nothing", async () => {
    await admin.certificateSigningRequests.create(request("trial"));
    const answer = await admin.certificateSigningRequests.approve("trial", { dryRun: true });
    assert.deepEqual(answer.status?.conditions?.map((c) => c.type), ["Approved"]);
    assert.equal((await admin.certificateSigningRequests.get("trial")).status?.conditions, undefined);
  });

  test("an approver needs approve on the signer besides update on /approval: without it, the server's 403", async () => {
    const ns = "approvers";
    await ensureNamespace(admin, ns);
    await admin.serviceAccounts.create({ metadata: { name: "approver" } }, { namespace: ns });
    const bind = async (name: string, rules: unknown[]) => {
      await admin.clusterRoles.create({ metadata: { name }, rules: rules as never });
      await admin.clusterRoleBindings.create({ metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name }, subjects: [{ kind: "ServiceAccount", name: "approver", namespace: ns }] });
    };
    await bind("csr-writer", [{ apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests"], verbs: ["get"] }, { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update"] }]);
    const token = (await t.send("POST", `/api/v1/namespaces/${ns}/serviceaccounts/approver/token`, { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} } })).body.status.token as string;
    const approver = await clientFor({ server: t.cluster.url, caPem: t.cluster.caPem, token });
    try {
      await admin.certificateSigningRequests.create(request("node-1"));
      const refused = await approver.certificateSigningRequests.approve("node-1").catch((e: unknown) => e);
      assert.ok(refused instanceof KubeForbiddenError);
      assert.equal(refused.status.message, 'certificatesigningrequests.certificates.k8s.io "node-1" is forbidden: user not permitted to approve requests with signerName "example.com/serving"');

      await bind("serving-signer", [{ apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["example.com/*"], verbs: ["approve"] }]);
      const approved = await approver.certificateSigningRequests.approve("node-1");
      assert.deepEqual(approved.status?.conditions?.map((c) => c.type), ["Approved"]);
    } finally {
      await approver.close();
    }
  });

  test("the typed accessors reach PersistentVolumes, HorizontalPodAutoscalers, StorageClasses and PriorityClasses", async () => {
    const pv = await admin.persistentVolumes.create({ metadata: { name: "pv-1" }, spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/data" } } });
    assert.equal(pv.metadata?.namespace, undefined);
    assert.equal((await admin.persistentVolumes.get("pv-1")).spec?.persistentVolumeReclaimPolicy, "Retain");

    await ensureNamespace(admin, "scaled");
    const hpa = await admin.horizontalPodAutoscalers.create(
      { metadata: { name: "web" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 5 } },
      { namespace: "scaled" },
    );
    assert.equal(hpa.apiVersion, "autoscaling/v2");
    assert.equal(hpa.spec?.minReplicas, 1);

    const sc = await admin.storageClasses.create({ metadata: { name: "fast" }, provisioner: "example.com/ssd" });
    assert.equal(sc.reclaimPolicy, "Delete");
    const pc = await admin.priorityClasses.create({ metadata: { name: "batch-low" }, value: 10 });
    assert.equal(pc.preemptionPolicy, "PreemptLowerPriority");
    const names: string[] = [];
    for await (const p of admin.priorityClasses.list()) names.push(p.metadata?.name ?? "");
    assert.deepEqual(names.sort(), ["batch-low", "system-cluster-critical", "system-node-critical"]);
  });
});
