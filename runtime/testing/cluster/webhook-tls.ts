/**
 * @module cluster/webhook-tls
 * The webhook client's check of a server certificate's names, as Go's crypto/x509
 * (Certificate.VerifyHostname) makes it and HostnameError words it: a DNS name must be one of
 * the certificate's DNS SANs (a wildcard covering one label), an IP address one of its IP SANs;
 * the subject's Common Name never counts. The failures: `x509: certificate is valid for <SANs>,
 * not <host>`, `x509: cannot validate certificate for <ip> because it doesn't contain any IP
 * SANs`, `x509: certificate is not valid for any names, but wanted to match <host>`, and
 * `x509: certificate relies on legacy Common Name field, use SANs instead` for a certificate with
 * no SAN extension whose Common Name is the host (which Node alone would accept).
 */
import { isIP } from "node:net";
import { checkServerIdentity, type PeerCertificate } from "node:tls";

/** A certificate whose names do not cover the host; the message is Go's HostnameError. */
export class HostnameMismatch extends Error {
  readonly code = "x509_hostname_mismatch";
}

/** An IP address as Go's net.IP.String() prints it (IPv6 compressed). */
function goIP(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip;
}

/** The certificate's SANs: its DNS names and IP addresses in order, and whether it has the extension. */
function namesOf(cert: PeerCertificate): { dns: string[]; ips: string[]; hasSan: boolean } {
  const san = cert.subjectaltname;
  const entries = san ? san.split(", ") : [];
  const dns = entries.filter((e) => e.startsWith("DNS:")).map((e) => e.slice(4));
  const ips = entries.filter((e) => e.startsWith("IP Address:")).map((e) => goIP(e.slice("IP Address:".length)));
  return { dns, ips, hasSan: Boolean(san) };
}

/** Whether `cert`'s SANs cover `host` (a DNS name or an IP address, no brackets). */
function covers(cert: PeerCertificate, host: string, names: { dns: string[]; ips: string[] }): boolean {
  if (isIP(host)) return names.ips.includes(goIP(host));
  // Node's matching of DNS SANs (wildcards as Go's), with the Common Name fallback kept out.
  return names.dns.length > 0 && checkServerIdentity(host, { ...cert, subject: { ...cert.subject, CN: "" } } as PeerCertificate) === undefined;
}

/** Go's HostnameError for `cert` and `host`, or `undefined` when its SANs cover the host. */
export function hostnameError(host: string, cert: PeerCertificate): HostnameMismatch | undefined {
  const names = namesOf(cert);
  if (covers(cert, host, names)) return undefined;
  const cn = cert.subject?.CN;
  if (!names.hasSan && typeof cn === "string" && cn.toLowerCase() === host.toLowerCase()) return new HostnameMismatch("x509: certificate relies on legacy Common Name field, use SANs instead");
  if (isIP(host) && names.ips.length === 0) return new HostnameMismatch(`x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`);
  const valid = (isIP(host) ? names.ips : names.dns).join(", ");
  if (!valid) return new HostnameMismatch(`x509: certificate is not valid for any names, but wanted to match ${host}`);
  return new HostnameMismatch(`x509: certificate is valid for ${valid}, not ${host}`);
}
