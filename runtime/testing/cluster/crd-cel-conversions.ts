/**
 * @module cluster/crd-cel-conversions
 * CEL's type conversions as cel-go makes them, for the calls crd-cel-source renames
 * (`int(x)` is `__k8s_int(x)`): a string parsed as Go parses it (strconv.ParseInt and
 * ParseUint in base 10, ParseFloat, ParseBool, time.ParseDuration, RFC 3339), a failure in
 * cel-go's words (`type conversion error from 'string' to 'int'`, `integer overflow`); the
 * other kinds as cel-go converts them (a double truncated, a timestamp's Unix seconds). Also
 * the overloads the library lacks: `string()` of a timestamp or duration, and `duration` /
 * `timestamp` of their own kind.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { CelFunctionError } from "./crd-cel-error.js";
import { RENAMED } from "./crd-cel-source.js";

type DurationClass = new (seconds: bigint, nanos: number) => { seconds: bigint; nanos: number };
type UintClass = new (value: bigint) => { valueOf(): bigint };

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;
const DURATION_UNITS: Record<string, bigint> = { ns: 1n, us: 1_000n, "\u00b5s": 1_000n, "\u03bcs": 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

const conversionError = (to: string) => new CelFunctionError(`type conversion error from 'string' to '${to}'`);

/** time.ParseDuration: nanoseconds, or undefined. */
export function parseGoDuration(text: string): bigint | undefined {
  const m = /^([-+]?)([\s\S]*)$/.exec(text)!;
  let rest = m[2]!;
  if (rest === "0") return 0n;
  if (rest === "") return undefined;
  let total = 0n;
  while (rest !== "") {
    const part = /^([0-9]*)(?:\.([0-9]*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/.exec(rest);
    if (!part || (part[1] === "" && (part[2] ?? "") === "")) return undefined;
    const unit = DURATION_UNITS[part[3]!]!;
    const fraction = part[2] ?? "";
    total += BigInt(part[1] || "0") * unit + (fraction === "" ? 0n : (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length));
    rest = rest.slice(part[0].length);
  }
  if (total > (m[1] === "-" ? -INT64_MIN : INT64_MAX)) return undefined;
  return m[1] === "-" ? -total : total;
}

/** strconv.ParseFloat(s, 64): decimal (underscores between digits) or hex (`0x1p-2`), `inf`/`infinity` signed or not, `nan` unsigned; undefined when refused or out of range. */
export function parseGoFloat(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === "nan") return NaN;
  const inf = /^([-+]?)(inf|infinity)$/.exec(lower);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  // Underscores only between digits (Go's underscoreOK), then dropped.
  if (/(^|[^0-9a-f])_|_($|[^0-9a-f])/i.test(text)) return undefined;
  const t = text.replace(/_/g, "");
  let value: number;
  const hex = /^([-+]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?p([-+]?[0-9]+)$/i.exec(t);
  if (hex) {
    if (hex[2] === "" && (hex[3] ?? "") === "") return undefined;
    const digits = `${hex[2]}${hex[3] ?? ""}` || "0";
    value = parseInt(digits, 16) * 2 ** (Number(hex[4]) - 4 * (hex[3] ?? "").length);
    if (hex[1] === "-") value = -value;
  } else if (/^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(t)) value = Number(t);
  else return undefined;
  return Number.isFinite(value) ? value : undefined;
}

/** RFC 3339 as Go's time.Parse reads it; milliseconds kept (the library's timestamps are dates). Throws `timestamp overflow` outside years 1-9999. */
export function parseRfc3339(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = mo === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31;
  if (mo < 1 || mo > 12 || d < 1 || d > days || h > 23 || mi > 59 || s > 59) return undefined;
  const offset = m[9] ? (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  // setUTCFullYear takes a year below 100 as it is (Date.UTC would read 0050 as 1950).
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, Number((m[7] ?? "").slice(0, 3).padEnd(3, "0")));
  return checkedTimestamp(t.getTime() - offset * 60_000);
}

/** CEL's timestamp range: years 1 to 9999 (cel-go's `timestamp overflow` outside it). */
function checkedTimestamp(ms: number): Date {
  if (!(ms >= -62_135_596_800_000 && ms <= 253_402_300_799_999)) throw new CelFunctionError("timestamp overflow");
  return new Date(ms);
}

/** A duration as cel-go writes it: `strconv.FormatFloat(d.Seconds(), 'f', -1, 64)` and `s` (the shortest float64 digits, never an exponent). */
function durationText(nanos: bigint): string {
  const seconds = Number(nanos / 1_000_000_000n) + Number(nanos % 1_000_000_000n) / 1e9;
  const [mantissa, exp = "0"] = String(seconds).split("e");
  const e = Number(exp);
  if (e === 0) return `${mantissa}s`;
  const negative = mantissa!.startsWith("-");
  const [whole, fraction = ""] = mantissa!.replace("-", "").split(".");
  const digits = `${whole}${fraction}`;
  const point = whole!.length + e;
  const text = point <= 0 ? `0.${"0".repeat(-point)}${digits}` : point >= digits.length ? digits + "0".repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${negative ? "-" : ""}${text}s`;
}

/** RFC 3339 with nanoseconds, trailing zeros cut (time.RFC3339Nano), as cel-go writes a timestamp. */
const timestampText = (t: Date) => t.toISOString().replace(/\.000Z$/, "Z").replace(/(\.\d*?)0+Z$/, "$1Z");

/** The library's Duration class, taken when the conversions are registered. */
let durationClass: DurationClass | undefined;

/** `nanos` as the library's duration (a `format: duration` value); needs the environment made first. */
export function celDuration(nanos: bigint): unknown {
  if (!durationClass) throw new Error("the CEL environment is not made yet (celEnvironments)");
  return new durationClass(nanos / 1_000_000_000n, Number(nanos % 1_000_000_000n));
}

/** Registers the conversions on `env` (the library's own `duration(string)` makes the Duration class this needs). */
export function withConversions(env: Environment): Environment {
  const Duration = (durationClass = (env.evaluate("duration('1s')") as object).constructor as DurationClass);
  const Uint = (env.evaluate("1u") as object).constructor as UintClass;
  const isDuration = (v: unknown): v is InstanceType<DurationClass> => v instanceof Duration;
  const isUint = (v: unknown): v is InstanceType<UintClass> => v instanceof Uint;
  const toInt = (v: unknown): bigint => {
    if (typeof v === "bigint") return v;
    if (typeof v === "string") {
      if (!/^[-+]?[0-9]+$/.test(v)) throw conversionError("int");
      const n = BigInt(v);
      if (n > INT64_MAX || n < INT64_MIN) throw conversionError("int");
      return n;
    }
    if (typeof v === "number") {
      if (!Number.isFinite(v) || v >= 9223372036854775807 || v <= -9223372036854775808) throw new CelFunctionError("integer overflow");
      return BigInt(Math.trunc(v));
    }
    if (isUint(v)) {
      if (v.valueOf() > INT64_MAX) throw new CelFunctionError("integer overflow");
      return v.valueOf();
    }
    if (v instanceof Date) return BigInt(Math.floor(v.getTime() / 1000));
    if (isDuration(v)) return v.seconds * 1_000_000_000n + BigInt(v.nanos);
    throw new CelFunctionError("no such overload");
  };
  const toUint = (v: unknown) => {
    let n: bigint;
    if (isUint(v)) return v;
    if (typeof v === "string") {
      if (!/^[0-9]+$/.test(v)) throw conversionError("uint");
      n = BigInt(v);
      if (n > UINT64_MAX) throw conversionError("uint");
    } else if (typeof v === "bigint") n = v;
    else if (typeof v === "number") {
      if (!Number.isFinite(v) || v < 0 || v >= 18446744073709551615) throw new CelFunctionError("unsigned integer overflow");
      n = BigInt(Math.trunc(v));
    } else throw new CelFunctionError("no such overload");
    if (n < 0n || n > UINT64_MAX) throw new CelFunctionError("unsigned integer overflow");
    return new Uint(n);
  };
  const toDouble = (v: unknown): number => {
    if (typeof v === "number") return v;
    if (typeof v === "bigint") return Number(v);
    if (isUint(v)) return Number(v.valueOf());
    if (typeof v === "string") {
      const value = parseGoFloat(v);
      if (value === undefined) throw conversionError("double");
      return value;
    }
    throw new CelFunctionError("no such overload");
  };
  const toBool = (v: unknown): boolean => {
    if (typeof v === "boolean") return v;
    if (typeof v === "string") {
      if (["1", "t", "T", "TRUE", "true", "True"].includes(v)) return true;
      if (["0", "f", "F", "FALSE", "false", "False"].includes(v)) return false;
      throw conversionError("bool");
    }
    throw new CelFunctionError("no such overload");
  };
  const toDuration = (v: unknown) => {
    if (isDuration(v)) return v;
    if (typeof v === "string") {
      const nanos = parseGoDuration(v);
      if (nanos === undefined) throw conversionError("google.protobuf.Duration");
      return celDuration(nanos);
    }
    throw new CelFunctionError("no such overload");
  };
  const toTimestamp = (v: unknown) => {
    if (v instanceof Date) return v;
    if (typeof v === "string") {
      const t = parseRfc3339(v);
      if (!t) throw conversionError("google.protobuf.Timestamp");
      return t;
    }
    if (typeof v === "bigint") return checkedTimestamp(Number(v) * 1000);
    throw new CelFunctionError("no such overload");
  };
  return env
    .registerFunction(`${RENAMED.int}(dyn): int`, toInt)
    .registerFunction(`${RENAMED.uint}(dyn): uint`, toUint)
    .registerFunction(`${RENAMED.double}(dyn): double`, toDouble)
    .registerFunction(`${RENAMED.bool}(dyn): bool`, toBool)
    .registerFunction(`${RENAMED.duration}(dyn): google.protobuf.Duration`, toDuration)
    .registerFunction(`${RENAMED.timestamp}(dyn): google.protobuf.Timestamp`, toTimestamp)
    .registerFunction("string(google.protobuf.Timestamp): string", (t: Date) => timestampText(t))
    .registerFunction("string(google.protobuf.Duration): string", (d: InstanceType<DurationClass>) => durationText(d.seconds * 1_000_000_000n + BigInt(d.nanos)));
}
