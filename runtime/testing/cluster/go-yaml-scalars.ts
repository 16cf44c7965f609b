/**
 * @module cluster/go-yaml-scalars
 * What go-yaml v2 (resolve.go) makes of a plain scalar decoded into an `interface{}`, and how
 * sigs.k8s.io/yaml then turns a map key into JSON's string. By the first character: `y Y n N t T
 * f F o O ~` look the text up in v2's table (`y`/`Y`/`yes`/`Yes`/`YES`, `on`/`On`/`ON`,
 * `true`/`True`/`TRUE` are true, their `n`/`no`/`off`/`false` forms false; `~`, `null`, `Null`,
 * `NULL` and the empty scalar null); `.` is the table's `.inf`/`.nan` forms or strconv.ParseFloat;
 * a digit or sign the table's `+.inf`/`-.inf` forms, else the text without underscores as
 * strconv.ParseInt(s, 0, 64) reads it (so `0x1F`, `0X1F`, `0o17`, `0b101`, and a leading `0`
 * octal: `0755` is 493), then ParseUint, then a YAML-style float (`1e3`, `1.`; `08` is the float
 * 8; one out of float64's range stays text). Everything else is a string: `1:20`, `1.2.3`, a
 * timestamp (v2 gives an `interface{}` its text).
 */

/** A decoded scalar with its Go kind (map keys of different kinds are different keys). */
export interface GoScalar {
  kind: "null" | "bool" | "int" | "float" | "string";
  value: null | boolean | number | string;
}

const TABLE: Record<string, GoScalar> = {};
const add = (kind: GoScalar["kind"], value: GoScalar["value"], texts: string[]) => texts.forEach((t) => (TABLE[t] = { kind, value }));
add("bool", true, ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]);
add("bool", false, ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]);
add("null", null, ["", "~", "null", "Null", "NULL"]);
add("float", NaN, [".nan", ".NaN", ".NAN"]);
add("float", Infinity, [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]);
add("float", -Infinity, ["-.inf", "-.Inf", "-.INF"]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** strconv.ParseFloat of text starting with `.` (no underscores: there is no base prefix). */
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt(text, 0, 64) or, unsigned, ParseUint(text, 0, 64); undefined for a syntax or range error. */
function goParseInt(text: string, signed: boolean): bigint | undefined {
  let rest = text;
  let negative = false;
  if (signed && (rest.startsWith("+") || rest.startsWith("-"))) {
    negative = rest.startsWith("-");
    rest = rest.slice(1);
  }
  let digits: RegExp;
  let prefix = "";
  if (/^0[xX]/.test(rest)) [digits, prefix, rest] = [/^[0-9a-fA-F]+$/, "0x", rest.slice(2)];
  else if (/^0[oO]/.test(rest)) [digits, prefix, rest] = [/^[0-7]+$/, "0o", rest.slice(2)];
  else if (/^0[bB]/.test(rest)) [digits, prefix, rest] = [/^[01]+$/, "0b", rest.slice(2)];
  else if (/^0[0-9]/.test(rest)) [digits, prefix, rest] = [/^[0-7]+$/, "0o", rest.slice(1)];
  else digits = /^[0-9]+$/;
  if (!digits.test(rest)) return undefined;
  const magnitude = BigInt(`${prefix}${rest}`);
  const value = negative ? -magnitude : magnitude;
  if (signed ? value < INT64_MIN || value > INT64_MAX : value > UINT64_MAX) return undefined;
  return value;
}

/** A finite float, or undefined (ParseFloat's range error). */
const finite = (text: string): number | undefined => {
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
};

/**
 * go-yaml v2's value for a plain (unquoted, untagged) scalar's text.
 *
 * @example
 * resolvePlainScalar("0o17"); // { kind: "int", value: 15 }
 * resolvePlainScalar("1.2.3"); // { kind: "string", value: "1.2.3" }
 */
export function resolvePlainScalar(text: string): GoScalar {
  const first = text[0] ?? "";
  const hint = text === "" || "yYnNtTfFoO~".includes(first) ? "M" : first === "." ? "." : /[-+0-9]/.test(first) ? "D" : "";
  const string: GoScalar = { kind: "string", value: text };
  if (hint === "") return string;
  const known = TABLE[text];
  if (known) return known;
  if (hint === "M") return string;
  if (hint === ".") {
    const f = DOT_FLOAT.test(text) ? finite(text) : undefined;
    return f === undefined ? string : { kind: "float", value: f };
  }
  const plain = text.replace(/_/g, "");
  const int = goParseInt(plain, true) ?? goParseInt(plain, false);
  if (int !== undefined) return { kind: "int", value: Number(int) };
  const f = YAML_STYLE_FLOAT.test(plain) ? finite(plain) : undefined;
  return f === undefined ? string : { kind: "float", value: f };
}

/** strconv.FormatFloat(f, 'g', -1, 32), with go-yaml's names for the infinities and NaN. */
function formatFloat32(f: number): string {
  if (Number.isNaN(f)) return ".nan";
  if (!Number.isFinite(f)) return f > 0 ? ".inf" : "-.inf";
  const f32 = Math.fround(f);
  if (f32 === 0) return Object.is(f32, -0) ? "-0" : "0";
  let digits = 1;
  while (digits < 9 && Math.fround(Number(f32.toPrecision(digits))) !== f32) digits++;
  const [mantissa, exponent] = f32.toExponential(digits - 1).split("e") as [string, string];
  const exp = Number(exponent);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return String(Number(f32.toPrecision(digits)));
}

/**
 * The JSON key sigs.k8s.io/yaml's convertToJSONableObject makes of a decoded map key (a string as
 * it is, an int in decimal, a float as FormatFloat(f, 'g', -1, 32), a bool `true`/`false`);
 * undefined for one it refuses (null).
 */
export function jsonMapKey(key: GoScalar): string | undefined {
  switch (key.kind) {
    case "string":
      return key.value as string;
    case "int":
      return String(key.value);
    case "float":
      return formatFloat32(key.value as number);
    case "bool":
      return key.value ? "true" : "false";
    default:
      return undefined;
  }
}
