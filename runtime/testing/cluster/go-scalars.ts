/**
 * @module cluster/go-scalars
 * The scalar parsers behind the real server's JSON decoding of typed objects, with their Go
 * error messages: `time.Parse` of the two layouts `metav1.Time` and `metav1.MicroTime` use
 * (RFC 3339, and RFC 3339 with exactly six fractional digits), `resource.ParseQuantity`, and
 * `encoding/base64`'s StdEncoding (for `[]byte` fields such as a Secret's `data`), and
 * `strconv.ParseInt(s, 10, 64)` and `ParseUint(s, 10, bitSize)` (query parameters, label selector
 * values, resource versions, ports).
 * Each returns the error message, or `undefined` when the text parses (ParseInt and ParseUint:
 * the value, or the NumError's reason).
 * Also `goPrint`, fmt's `%v` of a decoded JSON value, as Go messages print one.
 */

export const RFC3339 = "2006-01-02T15:04:05Z07:00";
export const RFC3339_MICRO = "2006-01-02T15:04:05.000000Z07:00";

/** The layouts as (literal prefix, element) pairs, in order. */
const ELEMENTS: Record<string, Array<[string, string]>> = {
  [RFC3339]: [["", "2006"], ["-", "01"], ["-", "02"], ["T", "15"], [":", "04"], [":", "05"], ["", "Z07:00"]],
  [RFC3339_MICRO]: [["", "2006"], ["-", "01"], ["-", "02"], ["T", "15"], [":", "04"], [":", "05"], ["", ".000000"], ["", "Z07:00"]],
};

const isDigit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** time.getnum: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const quote = (s: string) => JSON.stringify(s);

/** Go's `time.Parse(layout, text)` error, for the two layouts above. */
export function goTimeParseError(layout: string, text: string): string | undefined {
  const head = `parsing time ${quote(text)}`;
  const cannot = (rest: string, elem: string) => `${head} as ${quote(layout)}: cannot parse ${quote(rest)} as ${quote(elem)}`;
  let value = text;
  let year = 0;
  let month = 0;
  let day = 0;
  for (const [prefix, elem] of ELEMENTS[layout]!) {
    if (prefix) {
      if (!value.startsWith(prefix)) return cannot(value, prefix);
      value = value.slice(prefix.length);
    }
    const hold = value;
    let range = "";
    let ok = true;
    switch (elem) {
      case "2006": {
        const p = value.slice(0, 4);
        ok = value.length >= 4 && /^[+-]?\d+$/.test(p);
        year = Number(p);
        value = value.slice(4);
        break;
      }
      case "01":
      case "02":
      case "15":
      case "04":
      case "05": {
        const got = getnum(value, elem !== "15");
        if (!got) {
          ok = false;
          break;
        }
        const [n, rest] = got;
        value = rest;
        if (elem === "01") (month = n), (range = n < 1 || n > 12 ? "month" : "");
        else if (elem === "02") day = n;
        else if (elem === "15") range = n >= 24 ? "hour" : "";
        else range = n >= 60 ? (elem === "04" ? "minute" : "second") : "";
        // RFC3339 (no fraction in the layout) accepts fractional seconds after the seconds.
        if (elem === "05" && layout === RFC3339 && /^[.,]\d/.test(value)) value = value.replace(/^[.,]\d+/, "");
        break;
      }
      case ".000000":
        ok = value.length >= 7 && value[0] === "." && /^\d{6}$/.test(value.slice(1, 7));
        value = ok ? value.slice(7) : value;
        break;
      case "Z07:00":
        if (value.startsWith("Z")) value = value.slice(1);
        else if (value.length >= 6 && (value[0] === "+" || value[0] === "-") && value[3] === ":" && /^\d\d$/.test(value.slice(1, 3)) && /^\d\d$/.test(value.slice(4, 6))) {
          // The ranges are checked with > (offsets of 24 hours or 60 minutes are written).
          if (Number(value.slice(4, 6)) > 60) range = "time zone offset minute";
          else if (Number(value.slice(1, 3)) > 24) range = "time zone offset hour";
          value = value.slice(6);
        } else ok = false;
        break;
    }
    if (range) return `${head}: ${range} out of range`;
    if (!ok) return cannot(hold, elem);
  }
  if (value.length > 0) return `${head}: extra text: ${quote(value)}`;
  if (day < 1 || day > daysIn(month, year)) return `${head}: day out of range`;
  return undefined;
}

/**
 * A time `time.Parse` accepted (see `goTimeParseError`) as the server writes it back:
 * `metav1.Time` in UTC to the second (a fraction dropped), `metav1.MicroTime` in UTC with six
 * fraction digits (`MarshalJSON`: `t.UTC().Format(...)`, which truncates).
 */
export function goTimeUTC(text: string, micro: boolean): string {
  const m = /^([+-]?\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m) return text;
  const offsetMinutes = m[8] === "Z" ? 0 : (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const at = new Date(0);
  // setUTCFullYear, not Date.UTC: a year under 100 stays that year.
  at.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  at.setUTCHours(Number(m[4]), Number(m[5]) - offsetMinutes, Number(m[6]), 0);
  const two = (n: number) => String(n).padStart(2, "0");
  const year = at.getUTCFullYear();
  const date = `${year < 0 ? "-" : ""}${String(Math.abs(year)).padStart(4, "0")}-${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())}`;
  const clock = `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())}`;
  const fraction = micro ? `.${(m[7] ?? "").slice(0, 6).padEnd(6, "0")}` : "";
  return `${date}T${clock}${fraction}Z`;
}

/** resource.splitREString, as ErrFormatWrong prints it. */
const QUANTITY_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";
const FORMAT_WRONG = `quantities must match the regular expression '${QUANTITY_RE}'`;
const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = Object.fromEntries(Object.entries(DECIMAL_SUFFIXES).map(([k, v]) => [v, k]));

/** A parsed quantity: `mantissa × 10^exponent`, and the format its canonical form is written in. */
interface Quantity {
  mantissa: bigint;
  exponent: number;
  format: "DecimalSI" | "BinarySI" | "DecimalExponent";
}

/**
 * `resource.ParseQuantity` of the text `Quantity.UnmarshalJSON` hands it (a string's quotes
 * removed, then trimmed): parseQuantityString's scanner, the suffix, the fast path's int64 or
 * the slow path's decimal (its ErrNumeric), rounded up to nano units.
 */
export function parseGoQuantity(text: string): { error: string } | { quantity: Quantity } {
  const str = text.trim();
  const end = str.length;
  if (end === 0) return { error: FORMAT_WRONG };
  const digitsFrom = (i: number) => {
    while (isDigit(str, i)) i++;
    return i;
  };
  const negative = str[0] === "-";
  let pos = str[0] === "-" || str[0] === "+" ? 1 : 0;
  while (pos < end && str[pos] === "0") pos++;
  if (pos >= end) return { quantity: { mantissa: 0n, exponent: 0, format: "DecimalSI" } };
  let next = digitsFrom(pos);
  const num = str.slice(pos, next);
  pos = next;
  let denom = "";
  if (pos < end && str[pos] === ".") {
    next = digitsFrom(pos + 1);
    denom = str.slice(pos + 1, next);
    pos = next;
  }
  const suffixStart = pos;
  while (pos < end && "eEinumkKMGTP".includes(str[pos]!)) pos++;
  if (pos < end) {
    if (str[pos] === "-" || str[pos] === "+") pos++;
    if (digitsFrom(pos) < end) return { error: FORMAT_WRONG };
  }
  const suffix = str.slice(suffixStart);
  let base = 10;
  let exponent: number;
  let format: Quantity["format"] = "DecimalSI";
  if (suffix in DECIMAL_SUFFIXES) exponent = DECIMAL_SUFFIXES[suffix]!;
  else if (suffix in BINARY_SUFFIXES) (base = 2), (exponent = BINARY_SUFFIXES[suffix]!), (format = "BinarySI");
  else if (/^[eE][-+]?\d+$/.test(suffix) && BigInt(suffix.slice(1)) >= -(2n ** 63n) && BigInt(suffix.slice(1)) < 2n ** 63n) {
    exponent = Number(BigInt.asIntN(32, BigInt(suffix.slice(1))));
    format = "DecimalExponent";
  } else return { error: "unable to parse quantity's suffix" };
  // With no digits the number is 0: fine on the fast path, ErrNumeric on the slow one.
  const digits = num || "0";
  const fast =
    base === 10
      ? 18 - (digits.length + denom.length) >= 0 && exponent - denom.length >= -9
      : denom === "" && 15 - digits.length - Math.trunc((exponent * 3) / 10) - 1 >= 0;
  if (!fast && num === "" && denom === "") return { error: "unable to parse numeric part of quantity" };
  let mantissa = BigInt(digits + denom) * (base === 2 ? 2n ** BigInt(exponent) : 1n);
  let scale = -denom.length + (base === 10 ? exponent : 0);
  if (scale < -9) {
    // Rounded up (away from zero) to nano units.
    const div = 10n ** BigInt(-9 - scale);
    mantissa = mantissa / div + (mantissa % div === 0n ? 0n : 1n);
    scale = -9;
  }
  if (format === "BinarySI" && scale < 0 && mantissa < 10n ** BigInt(-scale)) format = "DecimalSI";
  return { quantity: { mantissa: negative ? -mantissa : mantissa, exponent: scale, format } };
}

/** ParseQuantity's error for `text`, or `undefined`. */
export function goQuantityError(text: string): string | undefined {
  const parsed = parseGoQuantity(text);
  return "error" in parsed ? parsed.error : undefined;
}

/** Quantity.String(): the canonical form the server stores and answers (`0.5` → `500m`, `2048Mi` → `2Gi`). */
export function canonicalQuantity(q: Quantity): string {
  if (q.mantissa === 0n) return "0";
  const sign = q.mantissa < 0n ? "-" : "";
  let m = q.mantissa < 0n ? -q.mantissa : q.mantissa;
  let e = q.exponent;
  if (q.format === "BinarySI") {
    // |q| ≥ 1024 and whole: powers of 1024 as Ki, Mi, ...; anything else is written as DecimalSI.
    const whole = e >= 0 ? m * 10n ** BigInt(e) : m % 10n ** BigInt(-e) === 0n ? m / 10n ** BigInt(-e) : undefined;
    if (whole !== undefined && whole >= 1024n) {
      let n = whole;
      let k = 0;
      while (n % 1024n === 0n && k < 6) (n /= 1024n), k++;
      return `${sign}${n}${["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][k]}`;
    }
  }
  while (m % 10n === 0n) (m /= 10n), e++;
  const r = ((e % 3) + 3) % 3;
  if (r !== 0) (m *= 10n ** BigInt(r)), (e -= r);
  if (q.format === "DecimalExponent") return `${sign}${m}${e === 0 ? "" : `e${e}`}`;
  return `${sign}${m}${DECIMAL_BY_EXPONENT[e] ?? `e${e}`}`;
}

/** base64.StdEncoding.Decode's CorruptInputError for `src`, quantum by quantum as Go reads it (newlines skipped). */
export function goBase64Error(src: string): string | undefined {
  const bad = (n: number) => `illegal base64 data at input byte ${n}`;
  const newline = (c: string | undefined) => c === "\n" || c === "\r";
  let si = 0;
  for (;;) {
    for (let j = 0; j < 4; j++) {
      if (si === src.length) return j === 0 ? undefined : bad(si - j);
      const c = src[si++]!;
      if (newline(c)) {
        j--;
        continue;
      }
      if (/[A-Za-z0-9+/]/.test(c)) continue;
      if (c !== "=" || j < 2) return bad(si - 1);
      if (j === 2) {
        // "==" is expected; the first is read.
        while (si < src.length && newline(src[si])) si++;
        if (si === src.length) return bad(src.length);
        if (src[si] !== "=") return bad(si - 1);
        si++;
      }
      while (si < src.length && newline(src[si])) si++;
      return si < src.length ? bad(si) : undefined;
    }
  }
}

const INT64_CUTOFF = 2n ** 63n;

/**
 * strconv.ParseUint(s, 10, bitSize): the value, or its NumError's reason. The digits are read in
 * order (no sign), so a value that overflows before a stray character is out of range.
 */
export function parseGoUint(s: string, bitSize = 64): bigint | string {
  const max = (1n << BigInt(bitSize)) - 1n;
  if (s === "") return "invalid syntax";
  let n = 0n;
  for (const c of s) {
    if (c < "0" || c > "9") return "invalid syntax";
    n = n * 10n + BigInt(c.charCodeAt(0) - 48);
    if (n > max) return "value out of range";
  }
  return n;
}

/** strconv.ParseInt(s, 10, 64): the value, or its NumError's reason (ParseUint of the digits after a sign). */
export function parseGoInt64(s: string): bigint | string {
  const negative = s[0] === "-";
  const n = parseGoUint(s[0] === "+" || negative ? s.slice(1) : s);
  if (typeof n === "string") return n;
  if (negative ? n > INT64_CUTOFF : n >= INT64_CUTOFF) return "value out of range";
  return negative ? -n : n;
}

/** Go's `fmt.Sprintf("%+v", v)` of a decoded JSON value (maps print with sorted keys). */
export function goPrint(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goPrint).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goPrint(o[k])}`).join(" ")}]`;
  }
  return String(v);
}
