/**
 * @module cluster/crd-schema-formats
 * The string formats a 1.32 CR validator checks (a `pattern`: crd-schema-regexp).
 * A CRD's `format` is kept only if apiextensions' formats.go lists it (normalized without `-`):
 * bsonobjectid, uri, email, hostname, ipv4, ipv6, cidr, mac, uuid, uuid3, uuid4, uuid5, isbn,
 * isbn10, isbn13, creditcard, ssn, hexcolor, rgbcolor, byte, password, date, duration, datetime;
 * any other (int32, int64, float, double, ...) is erased before validation and never checked.
 * The checks are kube-openapi's strfmt registry (pkg/validation/strfmt default.go, time.go,
 * duration.go, bson.go) and the govalidator / net functions it calls. Not emulated (accepted as
 * valid): uri, email, isbn, isbn10, isbn13, creditcard.
 */
import { isIP } from "node:net";

/** The format the validator sees: the CRD's, or "" when 1.32 strips it. */
export function supportedFormat(format: string | undefined): string {
  if (!format) return "";
  return FORMATS.has(format.replaceAll("-", "")) ? format : "";
}

/** registry.Validates(format, data). */
export function formatValid(format: string, data: string): boolean {
  const check = CHECKS[format.replaceAll("-", "")];
  return check ? check(data) : true;
}

const FORMATS = new Set(
  "bsonobjectid uri email hostname ipv4 ipv6 cidr mac uuid uuid3 uuid4 uuid5 isbn isbn10 isbn13 creditcard ssn hexcolor rgbcolor byte password date duration datetime".split(" "),
);

const HOSTNAME =
  /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z0-9\p{S}\p{L}])(-?[a-zA-Z0-9\p{S}\p{L}]){1,62})$/u;
const RGB_PART = String.raw`\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*`;
const RGB = new RegExp(String.raw`^rgb\(${RGB_PART},${RGB_PART},${RGB_PART}\)$`);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const DATE_TIME = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;
const bytes = (s: string) => Buffer.byteLength(s);

/** net.ParseIP (through netip.ParseAddr): no zone, no leading zeros. */
const parseIP = (s: string): 4 | 6 | 0 => (s.includes("%") ? 0 : (isIP(s) as 4 | 6 | 0));

const CHECKS: Record<string, (s: string) => boolean> = {
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
  hostname: (s) => HOSTNAME.test(s) && bytes(s) <= 255 && s.split(".").every((p) => bytes(p) <= 63),
  ipv4: (s) => parseIP(s) !== 0 && s.includes("."),
  ipv6: (s) => parseIP(s) !== 0 && s.includes(":"),
  cidr: isCIDR,
  mac: isMAC,
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid3: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid4: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  uuid5: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  ssn: (s) => s.length === 11 && /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(s),
  hexcolor: (s) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s),
  rgbcolor: (s) => RGB.test(s),
  byte: (s) => BASE64.test(s),
  password: () => true,
  date: isDate,
  datetime: isDateTime,
  duration: isDuration,
};

/** time.Parse("2006-01-02", s): four-digit year, two-digit month and day, the day within its month. */
function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return days !== undefined && d >= 1 && d <= days;
}

/** strfmt.IsDateTime: a date, a `t`, then hh:mm:ss[.frac](z|±hh:mm), lower-cased. */
function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split("t");
  if (parts.length < 2 || !isDate(parts[0]!)) return false;
  const m = DATE_TIME.exec(parts[1]!);
  return !!m && m[1]! <= "23" && m[2]! <= "59" && m[3]! <= "59";
}

/** net.ParseCIDR: an address without zone, `/`, a decimal prefix length within its size. */
function isCIDR(s: string): boolean {
  const i = s.indexOf("/");
  if (i < 0) return false;
  const family = parseIP(s.slice(0, i));
  const bits = s.slice(i + 1);
  return family !== 0 && /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** net.ParseMAC: 6, 8 or 20 bytes as `xx:xx:…`, `xx-xx-…` or `xxxx.xxxx.…`. */
function isMAC(s: string): boolean {
  const hex2 = "[0-9a-fA-F]{2}";
  const hex4 = "[0-9a-fA-F]{4}";
  return [6, 8, 20].some(
    (n) =>
      new RegExp(`^${hex2}(:${hex2}){${n - 1}}$`).test(s) ||
      new RegExp(`^${hex2}(-${hex2}){${n - 1}}$`).test(s) ||
      new RegExp(`^${hex4}(\\.${hex4}){${n / 2 - 1}}$`).test(s),
  );
}

/** The units strfmt.ParseDuration takes beyond Go's (`1d`, `2 weeks`, `5 minutes`): their names (the last also as a prefix) and nanoseconds. */
const STRFMT_UNITS: [string[], bigint][] = [
  [["ns", "nano"], 1n],
  [["us", "\u00b5s", "micro"], 1_000n],
  [["ms", "milli"], 1_000_000n],
  [["s", "sec"], 1_000_000_000n],
  [["m", "min"], 60_000_000_000n],
  [["h", "hr", "hour"], 3_600_000_000_000n],
  [["d", "day"], 86_400_000_000_000n],
  [["w", "wk", "week"], 604_800_000_000_000n],
];

/** The nanoseconds of a strfmt duration unit (`d`, `days`, `min`), or undefined for one it does not know. */
export function strfmtUnitNanos(unit: string): bigint | undefined {
  const u = unit.toLowerCase().trim();
  return STRFMT_UNITS.find(([names]) => names.some((n, i) => n === u || (i === names.length - 1 && u.startsWith(n))))?.[1];
}

/** strfmt.ParseDuration: Go's time.ParseDuration, else Scala-like `5 minutes 3s`. */
function isDuration(s: string): boolean {
  if (/^[-+]?0$/.test(s) || /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/.test(s)) return true;
  if (!/^\s*(?:\d+\s*[A-Za-z\u00b5]+\s*)+$/.test(s)) return false;
  return [...s.matchAll(/(\d+)\s*([A-Za-z\u00b5]+)/g)].some((m) => strfmtUnitNanos(m[2]!) !== undefined);
}

