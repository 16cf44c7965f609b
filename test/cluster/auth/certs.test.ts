import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:https";
import { connect } from "node:tls";
import type { AddressInfo } from "node:net";
import { X509Certificate } from "node:crypto";
import { createCertificates } from "../../../runtime/testing/cluster/auth/index.js";

/** Opens a TLS connection trusting only `ca`; resolves with the handshake error, or null. */
function handshake(port: number, host: string, ca: string, servername?: string): Promise<Error | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, ca, servername }, () => {
      socket.end();
      resolve(null);
    });
    socket.on("error", resolve);
  });
}

test("a client trusting only the CA connects to a server using the serving certificate", async (t) => {
  const { caPem, certPem, keyPem } = await createCertificates();
  const other = await createCertificates();
  const server = createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;

  assert.equal(await handshake(port, "127.0.0.1", caPem), null);
  assert.equal(await handshake(port, "127.0.0.1", caPem, "localhost"), null);
  const untrusted = await handshake(port, "127.0.0.1", other.caPem);
  assert.ok(untrusted);
  assert.match((untrusted as Error & { code?: string }).code ?? "", /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
  const wrongName = await handshake(port, "127.0.0.1", caPem, "example.com");
  assert.equal((wrongName as Error & { code?: string }).code, "ERR_TLS_CERT_ALTNAME_INVALID");
});

test("the certificates name the loopback addresses and live about ten years", async () => {
  const { caPem, certPem } = await createCertificates();
  const ca = new X509Certificate(caPem);
  const cert = new X509Certificate(certPem);
  assert.equal(ca.ca, true);
  assert.equal(cert.ca, false);
  assert.ok(cert.checkIssued(ca));
  assert.ok(cert.checkIP("127.0.0.1"));
  assert.ok(cert.checkIP("::1"));
  assert.equal(cert.checkHost("localhost"), "localhost");
  const years = (Date.parse(cert.validTo) - Date.now()) / (365 * 24 * 3600 * 1000);
  assert.ok(years > 9.9 && years < 10.1, `valid for ${years} years`);
  assert.ok(Date.parse(cert.validFrom) < Date.now());
});
