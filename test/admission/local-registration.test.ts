/**
 * Serve's side of registering its webhooks with the embedded emulated cluster: the address the
 * cluster calls (a loopback one where the server listens on every address), and a certificate
 * of the user's that does not cover it registers nothing (its calls would fail TLS and, under
 * `Fail`, refuse the writes they match) and says why, naming the file and never its content.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callableHost, callableUrl, localRegistration, registerLocalWebhooks, uncoveredHost, type LocalWebhookRegistry, type LocalWebhookTarget } from "../../runtime/admission/local-registration.js";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import { localWebhooks } from "../../runtime/testing/local-webhooks.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { captureLogs } from "../schedule/helpers.js";
import { loadedAdmission } from "./helpers.js";

const webhook = loadedAdmission({ name: "owner", admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "pods" }] }, handler: () => ({ allowed: true }) });
let dir: string;
let certs: Awaited<ReturnType<typeof createCertificates>>;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "podfn-local-registration-"));
  certs = await createCertificates();
  await writeFile(join(dir, "tls.crt"), certs.certPem);
});

after(() => rm(dir, { recursive: true, force: true }));

/** A registry recording each registration. */
function recording(): LocalWebhookRegistry & { calls: { functions: string[]; target?: LocalWebhookTarget }[] } {
  const calls: { functions: string[]; target?: LocalWebhookTarget }[] = [];
  return {
    calls,
    certificate: () => Promise.reject(new Error("not used")),
    async register(functions, target) {
      calls.push({ functions: functions.map((f) => f.name), ...(target ? { target } : {}) });
      return functions.map((f) => ({ kind: "ValidatingWebhookConfiguration" as const, name: "podfn.default", webhooks: [{ name: `${f.name}.podfn.default.podfn.dev`, url: `${target!.url}/admission/${f.name}` }] }));
    },
  };
}

test("a server listening on every address is called on a loopback one; a given address is kept", () => {
  assert.equal(callableUrl("https://[::]:9443"), "https://127.0.0.1:9443");
  assert.equal(callableUrl("https://0.0.0.0:9443"), "https://127.0.0.1:9443");
  assert.equal(callableUrl("https://[::1]:9443"), "https://[::1]:9443");
  assert.equal(callableUrl("https://127.0.0.1:40000"), "https://127.0.0.1:40000");
});

test("whether the certificate covers the address called: by its IP SANs, or its DNS SANs for a name", () => {
  assert.equal(uncoveredHost(certs.certPem, "https://127.0.0.1:9443"), undefined);
  assert.equal(uncoveredHost(certs.certPem, "https://[::1]:9443"), undefined);
  assert.equal(uncoveredHost(certs.certPem, "https://localhost:9443"), undefined);
  assert.match(uncoveredHost(certs.certPem, "https://10.1.2.3:9443")!, /^it is not valid for 10\.1\.2\.3 \(its names: DNS:localhost, .*IP Address:127\.0\.0\.1/);
  assert.equal(uncoveredHost("not a certificate", "https://127.0.0.1:9443"), "it is not a PEM certificate");
});

test("registered webhooks are logged one line each, naming the configuration; the CA given is the caBundle", async () => {
  const registry = recording();
  const { logger, lines } = captureLogs();
  await registerLocalWebhooks(registry, [webhook], { listening: "https://[::]:40000", certFile: join(dir, "tls.crt"), caPem: certs.caPem }, logger);
  assert.deepEqual(registry.calls, [{ functions: ["owner"], target: { url: "https://127.0.0.1:40000", caPem: certs.caPem } }]);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.level, "info");
  assert.equal(lines[0]!.msg, "admission webhook owner.podfn.default.podfn.dev registered with the embedded emulated cluster (ValidatingWebhookConfiguration podfn.default): writes it matches are reviewed here");
  assert.equal(lines[0]!.url, "https://127.0.0.1:40000/admission/owner");
});

test("with no CA given (the user's certificate), the certificate itself is the caBundle", async () => {
  const registry = recording();
  const { logger } = captureLogs();
  await registerLocalWebhooks(registry, [webhook], { listening: "https://127.0.0.1:40000", certFile: join(dir, "tls.crt"), caPem: undefined }, logger);
  assert.equal(registry.calls[0]!.target!.caPem, certs.certPem);
});

test("a certificate that does not cover the address called registers nothing (earlier ones removed) and says why", async () => {
  const registry = recording();
  const { logger, lines } = captureLogs();
  await registerLocalWebhooks(registry, [webhook], { listening: "https://10.1.2.3:40000", certFile: join(dir, "tls.crt"), caPem: undefined }, logger);
  assert.deepEqual(registry.calls, [{ functions: [] }]);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.level, "warn");
  assert.match(String(lines[0]!.msg), new RegExp(`^admission webhooks not registered with the embedded emulated cluster: the certificate ${join(dir, "tls.crt")} cannot be verified at https://10\\.1\\.2\\.3:40000: it is not valid for 10\\.1\\.2\\.3`));
  assert.ok(!JSON.stringify(lines).includes(certs.certPem.split("\n")[1]!));
});

test("a round serving no webhook removes those registered before; a registration refused is logged, and serving goes on", async () => {
  const registry = recording();
  const { logger } = captureLogs();
  await localRegistration(registry, undefined, logger).settled();
  assert.deepEqual(registry.calls, [{ functions: [] }]);
  const refusing: LocalWebhookRegistry = { ...registry, register: () => Promise.reject(new Error("the cluster refused it")) };
  const { logger: failing, lines } = captureLogs();
  const round = localRegistration(refusing, { functions: [webhook], certificate: { certFile: join(dir, "tls.crt"), keyFile: join(dir, "tls.key") }, caPem: certs.caPem }, failing);
  round.listening("https://127.0.0.1:40000");
  await round.settled();
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.level, "error");
  assert.equal(lines[0]!.msg, "cannot register the admission webhooks with the embedded emulated cluster: the cluster refused it");
});

// Served on a specific address (--host), the server is called there: the certificate made for it
// covers that address (an IP SAN) besides the loopback ones. Checked without listening anywhere
// but 127.0.0.1 (servers here bind the loopback address only).
test("the certificate made for a server listening on a non-loopback address (--host) covers that address", async () => {
  const registry = localWebhooks(undefined as unknown as KubeClient, { namespace: "default", app: "podfn" });
  try {
    const host = callableHost("192.0.2.7");
    assert.equal(host, "192.0.2.7");
    const pem = await readFile((await registry.certificate(host)).certFile, "utf8");
    assert.equal(uncoveredHost(pem, "https://192.0.2.7:9443"), undefined);
    assert.equal(uncoveredHost(pem, "https://127.0.0.1:9443"), undefined);
    assert.notEqual(uncoveredHost(pem, "https://192.0.2.8:9443"), undefined);
    assert.equal(callableUrl("https://192.0.2.7:9443"), "https://192.0.2.7:9443");
  } finally {
    await registry.close();
  }
});
