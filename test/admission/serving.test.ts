/**
 * Whether `podfn serve` runs the webhook server: a certificate that cannot be read or served
 * stops it before anything listens (in a pod, or when the files are given), naming the files and
 * never what they hold; outside a pod with the default files absent, one warning and no server.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../runtime/config.js";
import { admissionServing } from "../../runtime/admission/serving.js";
import { AdmissionCertificateError } from "../../runtime/admission/certificate.js";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import { captureLogs } from "../schedule/helpers.js";
import { loadedAdmission } from "./helpers.js";

const webhook = loadedAdmission({ name: "owner", admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "pods" }] }, handler: () => ({ allowed: true }) });
const config = (argv: string[], env: Record<string, string> = {}) => loadConfig("serve", argv, env).config;

test("given certificate files that are missing stop serve, naming both", () => {
  const { logger } = captureLogs();
  assert.throws(
    () => admissionServing([webhook], config(["--admission-cert-file", "/nonexistent/tls.crt", "--admission-key-file", "/nonexistent/tls.key"]), logger),
    (error: unknown) => error instanceof AdmissionCertificateError && error.code === "admission_certificate_invalid" && error.message === "the admission webhook's TLS certificate cannot be read (/nonexistent/tls.crt: no such file; /nonexistent/tls.key: no such file)",
  );
});

test("in a pod, the default files' absence stops serve too", () => {
  const { logger } = captureLogs();
  assert.throws(() => admissionServing([webhook], config([], { KUBERNETES_SERVICE_HOST: "10.0.0.1" }), logger), AdmissionCertificateError);
});

test("a key that is not the certificate's is refused with OpenSSL's reason, and no key material", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-admission-"));
  try {
    const [one, other] = await Promise.all([createCertificates(), createCertificates()]);
    await writeFile(join(dir, "tls.crt"), one.certPem);
    await writeFile(join(dir, "tls.key"), other.keyPem);
    const { logger } = captureLogs();
    assert.throws(
      () => admissionServing([webhook], config(["--admission-cert-file", join(dir, "tls.crt"), "--admission-key-file", join(dir, "tls.key")]), logger),
      (error: unknown) => error instanceof AdmissionCertificateError && /cannot be served: .*mismatch/i.test(error.message) && !error.message.includes("PRIVATE") && !error.message.includes(other.keyPem.split("\n")[1]!.slice(0, 20)),
    );
    await writeFile(join(dir, "tls.key"), one.keyPem);
    assert.ok(admissionServing([webhook], config(["--admission-cert-file", join(dir, "tls.crt"), "--admission-key-file", join(dir, "tls.key")]), logger));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("outside a pod with the default files absent, the webhooks go unserved with one warning; without admission functions, nothing", () => {
  const { logger, lines } = captureLogs();
  assert.equal(admissionServing([webhook], config([]), logger), undefined);
  assert.equal(lines.length, 1);
  assert.match(String(lines[0]!.msg), /^admission webhooks not served: no certificate at \/tmp\/k8s-webhook-server\/serving-certs\/tls\.crt/);
  assert.equal(admissionServing([], config([], { KUBERNETES_SERVICE_HOST: "10.0.0.1" }), logger), undefined);
});
