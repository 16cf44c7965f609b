/**
 * certificates.k8s.io/v1 CertificateSigningRequests are served as 1.32 serves them: CRUD, list
 * (with the spec.signerName field selector) and discovery (an `approval` and a `status`
 * subresource); the requester's identity fills the spec; validation of the request (a PEM
 * CERTIFICATE REQUEST whose signature verifies), signerName, usages and expirationSeconds; the
 * main resource keeps spec and status, /status may not approve and needs `sign` on the signer to
 * change the certificate or conditions, /approval keeps Approved and Denied apart and needs
 * `approve` on the signer; system:masters refused to the API server's client signer; the
 * printer's columns; the bootstrap roles; and kubectl certificate approve/deny (skipped without
 * kubectl).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { csrPem, requestOf } from "./csr-pem.js";
import { clusterWithNamespaces, kubectlCluster, type TestCluster } from "./helpers.js";

const CSRS = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
const AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const hasKubectl = await promisify(execFile)("kubectl", ["version", "--client"]).then(() => true, () => false);

const csr = (name: string, spec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  apiVersion: "certificates.k8s.io/v1", kind: "CertificateSigningRequest", metadata: { name },
  spec: { request: requestOf(csrPem(name)), signerName: "example.com/signer", usages: ["client auth"], ...spec }, ...extra,
});

describe("CertificateSigningRequests", () => {
  let t: TestCluster;
  let robot: string;
  before(async () => {
    t = await clusterWithNamespaces("golden");
    await t.send("POST", "/api/v1/namespaces/golden/serviceaccounts", { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot" } } });
    robot = (await t.send("POST", "/api/v1/namespaces/golden/serviceaccounts/robot/token", { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} } })).body.status.token;
  });
  after(() => t.close());

  test("a CSR is created with its requester's identity (not the body's) and an empty status, read, listed by signer and printed", async () => {
    const created = await t.send("POST", CSRS, { body: csr("alice", { username: "mallory", groups: ["system:masters"], expirationSeconds: 3600 }, { status: { conditions: [{ type: "Approved", status: "True" }] } }) });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(Object.keys(created.body.spec), ["request", "signerName", "expirationSeconds", "usages", "username", "groups"]);
    assert.equal(created.body.spec.username, "system:admin");
    assert.deepEqual(created.body.spec.groups, ["system:masters", "system:authenticated"]);
    assert.deepEqual(created.body.status, {});
    assert.equal(created.body.metadata.namespace, undefined);
    assert.equal((await t.send("GET", `${CSRS}/alice`)).body.spec.signerName, "example.com/signer");

    await t.send("POST", CSRS, { body: csr("other", { signerName: "other.io/signer" }) });
    const bySigner = await t.send("GET", `${CSRS}?fieldSelector=spec.signerName%3Dexample.com%2Fsigner`);
    assert.equal(bySigner.body.kind, "CertificateSigningRequestList");
    assert.deepEqual(bySigner.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ["alice"]);

    const table = await t.send("GET", `${CSRS}/alice`, { accept: TABLE });
    assert.deepEqual(table.body.columnDefinitions.map((c: { name: string }) => c.name), ["Name", "Age", "SignerName", "Requestor", "RequestedDuration", "Condition"]);
    const cells = table.body.rows[0].cells;
    assert.deepEqual([cells[0], cells[2], cells[3], cells[4], cells[5]], ["alice", "example.com/signer", "system:admin", "60m", "Pending"]);
  });

  test("discovery lists certificatesigningrequests with its approval and status subresources, as 1.32 does", async () => {
    const legacy = await t.send("GET", "/apis/certificates.k8s.io/v1");
    assert.deepEqual(legacy.body.resources.map((r: { name: string; verbs: string[] }) => [r.name, r.verbs.join(",")]), [
      ["certificatesigningrequests", "create,delete,deletecollection,get,list,patch,update,watch"],
      ["certificatesigningrequests/approval", "get,patch,update"],
      ["certificatesigningrequests/status", "get,patch,update"],
    ]);
    assert.deepEqual(legacy.body.resources[0].shortNames, ["csr"]);
    const aggregated = await t.send("GET", "/apis", { accept: AGGREGATED });
    const group = aggregated.body.items.find((i: { metadata: { name: string } }) => i.metadata.name === "certificates.k8s.io");
    assert.deepEqual(group.versions[0].resources[0], {
      resource: "certificatesigningrequests", responseKind: { group: "", version: "", kind: "CertificateSigningRequest" }, scope: "Cluster", singularResource: "certificatesigningrequest",
      verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], shortNames: ["csr"],
      subresources: [
        { subresource: "approval", responseKind: { group: "", version: "", kind: "CertificateSigningRequest" }, verbs: ["get", "patch", "update"] },
        { subresource: "status", responseKind: { group: "", version: "", kind: "CertificateSigningRequest" }, verbs: ["get", "patch", "update"] },
      ],
    });
  });

  test("the request must be a CERTIFICATE REQUEST whose signature verifies; signerName, usages and expirationSeconds are checked as 1.32 does", async () => {
    const tampered = await t.send("POST", CSRS, { body: csr("tampered", { request: requestOf(csrPem("tampered", true)) }) });
    assert.equal(tampered.status, 422, tampered.text);
    assert.match(tampered.body.message, /^CertificateSigningRequest\.certificates\.k8s\.io "tampered" is invalid: spec\.request: Invalid value: \[\]byte\{0x2d, 0x2d, .*\}: x509: ECDSA verification failure$/);

    const notPem = await t.send("POST", CSRS, { body: csr("plain", { request: Buffer.from("hello").toString("base64") }) });
    assert.equal(notPem.body.message, 'CertificateSigningRequest.certificates.k8s.io "plain" is invalid: spec.request: Invalid value: []byte{0x68, 0x65, 0x6c, 0x6c, 0x6f}: PEM block type must be CERTIFICATE REQUEST');

    const fields = await t.send("POST", CSRS, { body: csr("fields", { signerName: "nodomain/x", usages: ["client auth", "client auth", "flying"], expirationSeconds: 599 }) });
    assert.equal(fields.status, 422, fields.text);
    assert.deepEqual(fields.body.details.causes.map((c: { field: string }) => c.field), ["spec.usages[2]", "spec.usages[1]", "spec.signerName", "spec.expirationSeconds"]);
    assert.match(fields.body.message, /spec\.usages\[1\]: Duplicate value: "client auth"/);
    assert.match(fields.body.message, /spec\.signerName: Invalid value: "nodomain": should be a domain with at least two segments separated by dots/);
    assert.match(fields.body.message, /spec\.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds \(10 minutes\)/);

    const bare = await t.send("POST", CSRS, { body: csr("bare", { signerName: undefined, usages: undefined }) });
    assert.equal(bare.body.message, 'CertificateSigningRequest.certificates.k8s.io "bare" is invalid: [spec.usages: Required value, spec.signerName: Required value]');
    const legacy = await t.send("POST", CSRS, { body: csr("legacy", { signerName: "kubernetes.io/legacy-unknown" }) });
    assert.match(legacy.body.message, /spec\.signerName: Invalid value: "kubernetes\.io\/legacy-unknown": the legacy signerName is not allowed via this API version/);
  });

  test("an update keeps the spec and status; /status may not approve; /approval approves, never both Approved and Denied, never removes one", async () => {
    await t.send("POST", CSRS, { body: csr("bob") });
    const current = (await t.send("GET", `${CSRS}/bob`)).body;
    const put = await t.send("PUT", `${CSRS}/bob`, { body: { ...current, metadata: { ...current.metadata, labels: { a: "b" } }, spec: { ...current.spec, signerName: "changed.io/x" }, status: { conditions: [{ type: "Approved", status: "True" }] } } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual([put.body.metadata.labels, put.body.spec.signerName, put.body.status], [{ a: "b" }, "example.com/signer", {}]);

    const viaStatus = await t.send("PUT", `${CSRS}/bob/status`, { body: { ...put.body, status: { conditions: [{ type: "Approved", status: "True" }] } } });
    assert.equal(viaStatus.status, 422, viaStatus.text);
    assert.equal(viaStatus.body.message, 'CertificateSigningRequest.certificates.k8s.io "bob" is invalid: status.conditions: Forbidden: updates may not add a condition of type "Approved"');

    const both = await t.send("PUT", `${CSRS}/bob/approval`, { body: { ...put.body, status: { conditions: [{ type: "Approved", status: "True" }, { type: "Denied", status: "True" }] } } });
    assert.equal(both.body.message, 'CertificateSigningRequest.certificates.k8s.io "bob" is invalid: status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive');

    // certificates/v1 has no defaults: a condition's status is required (v1beta1 defaulted it to True).
    const noStatus = await t.send("PUT", `${CSRS}/bob/approval`, { body: { ...put.body, status: { conditions: [{ type: "Approved", reason: "Auto", message: "ok" }] } } });
    assert.equal(noStatus.body.message, 'CertificateSigningRequest.certificates.k8s.io "bob" is invalid: status.conditions[0].status: Required value');
    const approved = await t.send("PUT", `${CSRS}/bob/approval`, { body: { ...put.body, status: { conditions: [{ type: "Approved", status: "True", reason: "Auto", message: "ok" }] } } });
    assert.equal(approved.status, 200, approved.text);
    const [condition] = approved.body.status.conditions;
    assert.deepEqual(Object.keys(condition), ["type", "status", "reason", "message", "lastUpdateTime", "lastTransitionTime"]);
    assert.equal(condition.status, "True");

    const removed = await t.send("PATCH", `${CSRS}/bob/approval`, { body: { status: { conditions: [] } }, contentType: "application/merge-patch+json" });
    assert.equal(removed.status, 422, removed.text);
    assert.equal(removed.body.message, 'CertificateSigningRequest.certificates.k8s.io "bob" is invalid: status.conditions: Forbidden: updates may not remove a condition of type "Approved"');
  });

  test("approving needs the approve verb on the signer (its name or domain/*), as the CertificateApproval plugin checks", async () => {
    await t.send("POST", CSRS, { body: csr("carol") });
    const rbac = "/apis/rbac.authorization.k8s.io/v1";
    const grant = async (name: string, rules: unknown[]) => {
      await t.send("POST", `${rbac}/clusterroles`, { body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name }, rules } });
      await t.send("POST", `${rbac}/clusterrolebindings`, {
        body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name }, subjects: [{ kind: "ServiceAccount", name: "robot", namespace: "golden" }] },
      });
    };
    await grant("csr-approval-writer", [{ apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests", "certificatesigningrequests/approval"], verbs: ["get", "update"] }]);
    const current = (await t.send("GET", `${CSRS}/carol`, { token: robot })).body;
    const approve = () => t.send("PUT", `${CSRS}/carol/approval`, { token: robot, body: { ...current, status: { conditions: [{ type: "Approved", status: "True" }] } } });
    const refused = await approve();
    assert.equal(refused.status, 403, refused.text);
    assert.deepEqual(refused.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: 'certificatesigningrequests.certificates.k8s.io "carol" is forbidden: user not permitted to approve requests with signerName "example.com/signer"',
      reason: "Forbidden", details: { name: "carol", group: "certificates.k8s.io", kind: "certificatesigningrequests" }, code: 403,
    });
    await grant("signer-approver", [{ apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["example.com/*"], verbs: ["approve"] }]);
    const allowed = await approve();
    assert.equal(allowed.status, 200, allowed.text);
  });

  test("a /status write that changes the certificate or the conditions needs the sign verb on the signer, as the CertificateSigning plugin checks", async () => {
    await t.send("POST", CSRS, { body: csr("dave", { signerName: "signer.example/a" }) });
    const rbac = "/apis/rbac.authorization.k8s.io/v1";
    const grant = async (name: string, rules: unknown[]) => {
      await t.send("POST", `${rbac}/clusterroles`, { body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name }, rules } });
      await t.send("POST", `${rbac}/clusterrolebindings`, {
        body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name }, subjects: [{ kind: "ServiceAccount", name: "robot", namespace: "golden" }] },
      });
    };
    await grant("csr-status-writer", [{ apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests", "certificatesigningrequests/status"], verbs: ["get", "update"] }]);
    const current = (await t.send("GET", `${CSRS}/dave`, { token: robot })).body;
    // Nothing of the certificate or conditions changes: the plugin does not look.
    assert.equal((await t.send("PUT", `${CSRS}/dave/status`, { token: robot, body: current })).status, 200);
    const fail = () => t.send("PUT", `${CSRS}/dave/status`, { token: robot, body: { ...current, status: { conditions: [{ type: "Failed", status: "True", reason: "SignerError" }] } } });
    const refused = await fail();
    assert.equal(refused.status, 403, refused.text);
    assert.deepEqual(refused.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: 'certificatesigningrequests.certificates.k8s.io "dave" is forbidden: user not permitted to sign requests with signerName "signer.example/a"',
      reason: "Forbidden", details: { name: "dave", group: "certificates.k8s.io", kind: "certificatesigningrequests" }, code: 403,
    });
    // Validation comes first: a condition without a type is the 422.
    assert.equal((await t.send("PUT", `${CSRS}/dave/status`, { token: robot, body: { ...current, status: { conditions: [{ status: "True" }] } } })).status, 422);
    await grant("signer-signer", [{ apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["signer.example/*"], verbs: ["sign"] }]);
    const signed = await fail();
    assert.equal(signed.status, 200, signed.text);
    assert.equal(signed.body.status.conditions[0].type, "Failed");
  });

  test("a CSR asking the API server's client signer for system:masters is refused at creation, as the CertificateSubjectRestriction plugin does", async () => {
    const client = "kubernetes.io/kube-apiserver-client";
    const withGroups = (name: string, signerName: string, groups: string[]) => ({ ...csr(name, { signerName }), spec: { request: requestOf(csrPem(name, false, groups)), signerName, usages: ["client auth"] } });
    const refused = await t.send("POST", CSRS, { body: withGroups("erin", client, ["dev", "system:masters"]) });
    assert.equal(refused.status, 403, refused.text);
    assert.deepEqual(refused.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: 'certificatesigningrequests.certificates.k8s.io "erin" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed',
      reason: "Forbidden", details: { name: "erin", group: "certificates.k8s.io", kind: "certificatesigningrequests" }, code: 403,
    });
    assert.equal((await t.send("GET", `${CSRS}/erin`)).status, 404);
    assert.equal((await t.send("POST", CSRS, { body: withGroups("frank", client, ["dev"]) })).status, 201);
    assert.equal((await t.send("POST", CSRS, { body: withGroups("grace", "example.com/signer", ["system:masters"]) })).status, 201);
  });

  test("the bootstrap policy has the node bootstrapper's and the well-known signers' approver roles", async () => {
    const role = await t.send("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:certificates.k8s.io:kube-apiserver-client-approver");
    assert.deepEqual(role.body.rules, [{ verbs: ["approve"], apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["kubernetes.io/kube-apiserver-client"] }]);
    const bootstrapper = await t.send("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:node-bootstrapper");
    assert.deepEqual(bootstrapper.body.rules, [{ verbs: ["create", "get", "list", "watch"], apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests"] }]);
  });
});

describe("kubectl certificate approve and deny", { skip: hasKubectl ? false : "kubectl is not on PATH" }, () => {
  test("approve and deny go through /approval (sent as protobuf) and kubectl get csr prints the condition", async () => {
    const k = await kubectlCluster();
    try {
      for (const name of ["alice", "bob"]) assert.equal((await k.send("POST", CSRS, { body: csr(name) })).status, 201);
      assert.match(await k.kubectl("certificate", "approve", "alice"), /certificatesigningrequest.certificates.k8s.io\/alice approved/);
      assert.match(await k.kubectl("certificate", "deny", "bob"), /certificatesigningrequest.certificates.k8s.io\/bob denied/);
      const lines = (await k.kubectl("get", "csr")).trim().split("\n").map((l) => l.split(/\s{2,}/));
      assert.deepEqual(lines[0], ["NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION"]);
      assert.deepEqual(lines.slice(1).map((l) => [l[0], l[2], l[3], l[4], l[5]]), [
        ["alice", "example.com/signer", "system:admin", "<none>", "Approved"],
        ["bob", "example.com/signer", "system:admin", "<none>", "Denied"],
      ]);
      const alice = (await k.send("GET", `${CSRS}/alice`)).body;
      const approved = alice.status.conditions[0];
      assert.deepEqual([approved.type, approved.status, approved.reason], ["Approved", "True", "KubectlApprove"]);
      // The approval strategy resets the spec and the certificate: kubectl's entry owns the conditions alone.
      const entry = alice.metadata.managedFields.find((e: { subresource?: string }) => e.subresource === "approval");
      assert.deepEqual(Object.keys(entry.fieldsV1), ["f:status"]);
      assert.deepEqual(Object.keys(entry.fieldsV1["f:status"]), ["f:conditions"]);
    } finally {
      await k.close();
    }
  });
});
