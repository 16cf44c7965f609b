/**
 * @module cluster/ip-rules
 * IP addresses and CIDRs as the 1.32 validation reads them: `netutils.ParseIPSloppy` and
 * `ParseCIDRSloppy` (Go 1.16's parser, which allows leading zeros in IPv4 octets: `010.1.1.1` is
 * 10.1.1.1), whether a CIDR strictly contains another, and `ValidateNonSpecialIP`'s messages.
 */
import { isIPv6 } from "node:net";

/** validation.IsValidIP's message for text that is no IP address. */
export const INVALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

/** Go's `To4()`: the four bytes of an IPv4 address, also written IPv4-mapped (`::ffff:10.0.0.1`), else undefined. */
export function ipv4Of(ip: readonly number[]): number[] | undefined {
  if (ip.length === 4) return [...ip];
  return ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff ? ip.slice(12) : undefined;
}

/** The 4 or 16 bytes of an address, or undefined when it is none. */
export function parseIPSloppy(text: string): number[] | undefined {
  if (text.includes(".") && !text.includes(":")) return parseIPv4(text);
  if (!text.includes(":") || text.includes("%") || !isIPv6(text)) return undefined;
  return ipv6Bytes(text);
}

/** Go 1.16's parseIPv4: four decimal octets, each at most 255, leading zeros allowed. */
function parseIPv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return bytes;
}

/** The 16 bytes of an IPv6 address Node has already accepted (an embedded IPv4 tail included). */
function ipv6Bytes(text: string): number[] {
  let groups = text;
  const tail: number[] = [];
  const lastColon = groups.lastIndexOf(":");
  if (groups.slice(lastColon + 1).includes(".")) {
    tail.push(...(parseIPv4(groups.slice(lastColon + 1)) ?? [0, 0, 0, 0]));
    groups = `${groups.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = groups.split("::") as [string, string | undefined];
  const words = (s: string | undefined) => (s ? s.split(":").map((w) => parseInt(w, 16)) : []);
  const left = words(head);
  const right = words(rest);
  const all = rest === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  const bytes = all.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** A parsed CIDR: the network's bytes (host bits cleared) and the prefix length. */
export interface Cidr {
  network: number[];
  bits: number;
}

/** ParseCIDRSloppy: `address/prefix`, the prefix in 0..32 (IPv4) or 0..128 (IPv6); undefined when invalid. */
export function parseCIDRSloppy(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIPSloppy(text.slice(0, slash));
  const prefix = text.slice(slash + 1);
  if (!ip || !/^[0-9]+$/.test(prefix)) return undefined;
  const bits = Number(prefix);
  if (bits > ip.length * 8) return undefined;
  return { network: ip.map((b, i) => b & maskByte(bits, i)), bits };
}

/** The mask's byte `i` for a prefix of `bits`. */
function maskByte(bits: number, i: number): number {
  const left = bits - i * 8;
  return left >= 8 ? 0xff : left <= 0 ? 0 : (0xff << (8 - left)) & 0xff;
}

/** `outer.Contains(inner.IP) && outer's prefix < inner's`: what `ipBlock.except` must be of `cidr`. */
export function strictlyContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.network.length !== inner.network.length || outer.bits >= inner.bits) return false;
  return outer.network.every((b, i) => (inner.network[i]! & maskByte(outer.bits, i)) === b);
}

/**
 * `ValidateNonSpecialIP`'s messages for an address: not unspecified, loopback, link-local
 * unicast or link-local multicast (EndpointSlice addresses).
 */
export function specialIPProblems(text: string): string[] {
  const ip = parseIPSloppy(text);
  if (!ip) return ["must be a valid IP address"];
  const v4 = ipv4Of(ip);
  const out: string[] = [];
  if ((v4 ?? ip).every((b) => b === 0)) out.push(`may not be unspecified (${text})`);
  if (v4 ? v4[0] === 127 : ip.slice(0, 15).every((b) => b === 0) && ip[15] === 1) out.push("may not be in the loopback range (127.0.0.0/8, ::1/128)");
  if (v4 ? v4[0] === 169 && v4[1] === 254 : ip[0] === 0xfe && (ip[1]! & 0xc0) === 0x80) out.push("may not be in the link-local range (169.254.0.0/16, fe80::/10)");
  if (v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : ip[0] === 0xff && (ip[1]! & 0x0f) === 0x02) out.push("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
  return out;
}
