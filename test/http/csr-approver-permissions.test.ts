/**
 * A CSR approver as a function, deployed with exactly its declared permissions (approve on one
 * signer, as the generated ClusterRole grants it) against the emulated cluster: it approves a
 * request for that signer; for another signer the API server's 403 reaches the caller, and the
 * request stays pending. As a watch of CSRs (the README's approver, with a field selector on the
 * signer), it is called with typed CSRs of its signer only and approves them as they come.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { KubeForbiddenError, defineFunction } from "../../runtime/index.js";
import { csrPem, requestOf } from "../cluster/csr-pem.js";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

const approveServing = defineFunction({
  name: "approve-serving",
  input: z.object({ name: z.string() }),
  permissions: [
    { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests"], verbs: ["get"] },
    { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update"] },
    { apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["example.com/serving"], verbs: ["approve"] },
  ],
  http: { auth: "none" },
  async handler({ input, kube }) {
    const csr = await kube.certificateSigningRequests.approve(input.name, { reason: "ServingPolicy", message: "checked by approve-serving" });
    return { conditions: csr.status?.conditions?.map((c) => c.type) };
  },
});

test("a function granted approve on one signer approves that signer's requests; another signer's is the server's 403 and stays pending", async () => {
  const fn = await h.deploy(approveServing);
  const create = (name: string, signerName: string) =>
    fn.admin.certificateSigningRequests.create({ metadata: { name }, spec: { request: requestOf(csrPem(name)), signerName, usages: ["server auth"] } });
  await create("web", "example.com/serving");
  await create("client", "example.com/client");
  const call = (name: string) => fn.fetch("/approve-serving", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });

  const approved = await call("web");
  assert.equal(approved.status, 200, await approved.clone().text());
  assert.deepEqual(await approved.json(), { conditions: ["Approved"] });

  const refused = await call("client");
  assert.equal(refused.status, 403);
  const body = (await refused.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, "kube_forbidden");
  assert.equal(body.error.message, "the function's ServiceAccount is not allowed this call (the log says what the API server answered)");
  await assert.rejects(fn.run({ name: "client" }), (error: unknown) => {
    assert.ok(error instanceof KubeForbiddenError);
    assert.equal(error.status.message, 'certificatesigningrequests.certificates.k8s.io "client" is forbidden: user not permitted to approve requests with signerName "example.com/client"');
    return true;
  });
  assert.equal((await fn.admin.certificateSigningRequests.get("client")).status?.conditions, undefined);
});

const approveOnWatch = defineFunction({
  name: "approve-on-watch",
  watch: { resource: "certificatesigningrequests.certificates.k8s.io", events: ["ADDED"], fieldSelector: "spec.signerName=example.com/serving" },
  permissions: [
    { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests"], verbs: ["get"] },
    { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update"] },
    { apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["example.com/serving"], verbs: ["approve"] },
  ],
  async handler({ trigger, kube }) {
    if (trigger.type !== "watch") return;
    const csr = trigger.object; // typed: a CertificateSigningRequest
    if (csr.status?.conditions?.length || !csr.spec.usages?.every((u) => u === "server auth" || u === "digital signature")) return;
    await kube.certificateSigningRequests.approve(csr.metadata!.name!, { reason: "ServingPolicy" });
  },
});

test("a watch of CSRs filtered by signer is called for that signer's requests and approves those its policy takes, under its declared permissions", async () => {
  const fn = await h.deploy(approveOnWatch);
  const watching = fn.watch();
  await watching.ready;
  const create = (name: string, signerName: string, usages: string[]) =>
    fn.admin.certificateSigningRequests.create({ metadata: { name }, spec: { request: requestOf(csrPem(name)), signerName, usages } });
  await create("serving-ok", "example.com/serving", ["digital signature", "server auth"]);
  await create("serving-client", "example.com/serving", ["client auth"]);
  await create("other-signer", "example.com/client", ["server auth"]);
  const decided = async (name: string) => (await fn.admin.certificateSigningRequests.get(name)).status?.conditions?.map((c) => `${c.type} ${c.reason}`) ?? [];
  await until(async () => (await decided("serving-ok")).length > 0, "the watch approves serving-ok");
  assert.deepEqual(await decided("serving-ok"), ["Approved ServingPolicy"]);
  await watching.stop();
  assert.deepEqual(await decided("serving-client"), []);
  assert.deepEqual(await decided("other-signer"), []);
  assert.deepEqual([watching.failures, watching.callFailures], [[], []]);
});
