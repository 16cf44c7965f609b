/**
 * Warnings on the emulated cluster are recorded as 1.32's endpoints/filters/warning.go records
 * them (checked against its recorder and apimachinery's NewWarningHeader): a text with a control
 * character is dropped (the write goes on; it was a 500 "Invalid character in header content"),
 * a repeated one sent once, past 4096 runes in all each is cut to 256 runes and later ones
 * dropped once the cut ones fill 4096; the header carries the text as UTF-8, as Go writes it.
 * A webhook of its own (not podfn's, which makes control characters spaces) sends them.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:https";
import type { Call } from "../../runtime/testing/cluster/call.js";
import { addWarning, warningHeader } from "../../runtime/testing/cluster/warnings.js";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";

type Obj = Record<string, any>;

function recorded(texts: string[]): string[] {
  const call = {} as Call;
  for (const text of texts) addWarning(call, text);
  return call.warnings ?? [];
}

test("a text with a control character is dropped, the others kept once each, in order", () => {
  assert.deepEqual(recorded(["a", "line\nbreak", "b", "a", "", "tab\there", "nel\u0085", "del\u007f", "caf\u00e9"]), ["a", "b", "caf\u00e9"]);
});

test("past 4096 runes the texts are cut to 256 runes each, those before too, and dropped once the cut ones fill 4096", () => {
  const long = (c: string, n: number) => c.repeat(n);
  // 3000 + 1000 runes fit; the next one does not: every text is cut to 256 runes from then on.
  assert.deepEqual(recorded([long("a", 3000), long("\u4e2d", 1000), long("c", 10), long("d", 300)]), [long("a", 256), long("\u4e2d", 256), long("c", 10), long("d", 256)]);
  const many = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(300, "x"));
  const cut = recorded([long("y", 5000), ...many]);
  // 256 runes each: the 16th brings 4096, after which nothing more is added.
  assert.equal(cut.length, 16);
  assert.ok(cut.every((t) => [...t].length === 256));
});

test("a header is 299 - and the text quoted, only \" and \\ escaped, its UTF-8 bytes one per character (as Node writes a header: Latin-1)", () => {
  const header = warningHeader('say "hi" \\ caf\u00e9 \u4e2d');
  assert.equal(Buffer.from(header, "latin1").toString("utf8"), '299 - "say \\"hi\\" \\\\ caf\u00e9 \u4e2d"');
});

let cluster: Cluster;
let webhook: Server;

before(async () => {
  cluster = await startCluster();
  const certs = await createCertificates();
  webhook = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const review = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Obj;
      const warnings = ["first line\nsecond line", "kept caf\u00e9", "\u4e2d\u6587 \u2014 beyond Latin-1", "x".repeat(5000)];
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: review.request.uid, allowed: true, warnings } }));
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  const url = `https://127.0.0.1:${(webhook.address() as { port: number }).port}/`;
  const configuration = {
    metadata: { name: "warns" },
    webhooks: [{ name: "warns.example.com", clientConfig: { url, caBundle: Buffer.from(certs.caPem).toString("base64") }, rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"] }], sideEffects: "None", admissionReviewVersions: ["v1"] }],
  };
  assert.equal((await kube("POST", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", configuration)).status, 201);
});

after(async () => {
  await cluster?.stop();
  await new Promise((resolve) => webhook?.close(resolve));
});

function kube(method: string, path: string, body?: unknown): Promise<{ status: number; body: Obj; warnings: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(`${cluster.url}${path}`, { method, ca: cluster.caPem, headers: { authorization: `Bearer ${cluster.adminToken}`, "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        // Node reads a header's bytes as Latin-1: read back as the UTF-8 they are (Go's).
        const warnings = (res.headersDistinct.warning ?? []).map((h) => Buffer.from(h, "latin1").toString("utf8"));
        resolve({ status: res.statusCode!, body: JSON.parse(text) as Obj, warnings });
      });
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

test("a webhook's warning with a line break is dropped and the write goes on; one beyond Latin-1 goes as its UTF-8; a long one is cut once they pass 4096 runes", async () => {
  const created = await kube("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "c" } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.warnings, ['299 - "kept caf\u00e9"', '299 - "\u4e2d\u6587 \u2014 beyond Latin-1"', `299 - "${"x".repeat(256)}"`]);
});
