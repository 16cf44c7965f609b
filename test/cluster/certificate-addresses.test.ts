/**
 * `createCertificates`' serving certificate is valid for the loopback addresses and names, and
 * for the more DNS names and IP addresses (IPv4 and IPv6, any written form) it is asked for; an
 * address that is none is refused with a typed error naming it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { addressBytes, createCertificates, CertificateAddressError } from "../../runtime/testing/cluster/auth/certs.js";

test("the IP addresses asked for are IP SANs beside the loopback ones; the DNS names, DNS SANs", async () => {
  const { certPem } = await createCertificates({ ipAddresses: ["192.0.2.7", "fd00::2", "::ffff:10.0.0.1"], dnsNames: ["hooks.example"] });
  const cert = new X509Certificate(certPem);
  for (const ip of ["127.0.0.1", "::1", "192.0.2.7", "fd00::2", "fd00:0:0:0:0:0:0:2", "::ffff:10.0.0.1"]) assert.equal(cert.checkIP(ip), ip, ip);
  assert.equal(cert.checkIP("192.0.2.8"), undefined);
  assert.equal(cert.checkHost("hooks.example", { subject: "never" }), "hooks.example");
  assert.equal(cert.checkHost("localhost", { subject: "never" }), "localhost");
});

test("an address's bytes are the iPAddress form: 4 for IPv4, 16 for IPv6 ('::' expanded, a dotted tail read)", () => {
  assert.equal(addressBytes("10.1.2.3").toString("hex"), "0a010203");
  assert.equal(addressBytes("::1").toString("hex"), "00000000000000000000000000000001");
  assert.equal(addressBytes("fe80::1:2").toString("hex"), "fe800000000000000000000000010002");
  assert.equal(addressBytes("1:2:3:4:5:6:7:8").toString("hex"), "00010002000300040005000600070008");
  assert.equal(addressBytes("::ffff:10.0.0.1").toString("hex"), "00000000000000000000ffff0a000001");
  assert.equal(addressBytes("::").toString("hex"), "0".repeat(32));
});

test("an address that is no IP address is refused, naming it", async () => {
  await assert.rejects(createCertificates({ ipAddresses: ["hooks.example"] }), (error: unknown) => error instanceof CertificateAddressError && error.code === "invalid_certificate_address" && /"hooks\.example"/.test(error.message));
  assert.throws(() => addressBytes("fe80::1%eth0"), CertificateAddressError);
});
