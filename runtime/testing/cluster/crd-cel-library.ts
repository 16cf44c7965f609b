/**
 * @module cluster/crd-cel-library
 * The CEL environment a 1.32 API server evaluates CRD `x-kubernetes-validations` rules in, as
 * far as the emulator has it: standard CEL and optional types' `?.`, `[?k]`, `optional.of/none`,
 * `hasValue`, `value`, `orValue`, `or` (from @marcbachmann/cel-js); the strings extension's
 * `charAt` and `replace` besides the library's own string functions; `matches`, `lowerAscii`,
 * `upperAscii` and the conversions (`int`, `uint`, `double`, `bool`, `duration`, `timestamp`:
 * crd-cel-conversions) as cel-go has them, and `has()` of any field (crd-cel-source renames
 * their calls); cel-go's `sets.*`; and
 * Kubernetes' lists (`isSorted`, `sum`, `min`, `max`, `indexOf`, `lastIndexOf`), regex (`find`,
 * `findAll`) and quantity (crd-cel-quantity) libraries. Left out (a rule calling them does not
 * compile here and is not evaluated; the CRD write warns): Kubernetes' URL, IP, CIDR and format
 * libraries, `string.format`, `strings.quote`, `optional.ofNonZeroValue`, `optMap`, `optFlatMap`,
 * optional entries in list and map literals, two-variable comprehensions. Differences kept: strings are indexed by UTF-16 units (`indexOf`,
 * `substring`, `split` on text beyond the BMP), list equality and `+` ignore
 * `x-kubernetes-list-type` (a `set` or `map` list compares in order and concatenates), and
 * regular expressions (crd-schema-regexp) run on JavaScript's backtracking engine (RE2 is
 * linear: a pathological pattern can stall the emulator). Sources: kubernetes/kubernetes
 * staging/src/k8s.io/apiserver/pkg/cel/library (lists.go, regex.go, quantity.go), google/cel-go
 * ext/strings.go and ext/sets.go.
 *
 * The library is imported when an emulated cluster starts (`loadCel`: ~20 ms, beside the
 * certificates), never by a process that does not start one: the production build does not
 * bundle it.
 *
 * `self` and `oldSelf` are declared `dyn`: the values carry the schema's types (crd-cel-values.ts),
 * and every rule a real server accepts type-checks here too. What the emulator does not do is
 * refuse a rule a real server's type checker would (see crd-cel.ts).
 */
import type * as Cel from "@marcbachmann/cel-js";
import type { Environment } from "@marcbachmann/cel-js";
import { importModule } from "../../dynamic-import.js";
import { goPattern } from "./crd-schema-regexp.js";
import { HAS, RENAMED } from "./crd-cel-source.js";
import { withConversions } from "./crd-cel-conversions.js";
import { compareQuantities, Quantity, withQuantities } from "./crd-cel-quantity.js";
import { CelFunctionError } from "./crd-cel-error.js";

/** A CEL value as the library hands it to a function (int: bigint, double: number, list: array). */
type Value = unknown;


/** CEL's ordering of two values of one type (int, uint, double, string, bool, bytes, timestamp, duration). */
function compare(a: Value, b: Value): number {
  // Scalars as they are; timestamps and durations by their valueOf.
  const x = (typeof a === "object" && a !== null ? a.valueOf() : a) as number;
  const y = (typeof b === "object" && b !== null ? b.valueOf() : b) as number;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A duration's value (cel-js's Duration: `seconds` and `nanos`), or undefined for another value. */
function durationNanos(v: object): bigint | undefined {
  const d = v as { seconds?: unknown; nanos?: unknown };
  return typeof d.seconds === "bigint" && typeof d.nanos === "number" ? d.seconds * 1_000_000_000n + BigInt(d.nanos) : undefined;
}

/** CEL equality of two list elements (indexOf, sets): scalars, timestamps, durations, quantities, lists and maps. */
function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === "bigint" || typeof b === "bigint") return typeof a === typeof b ? a === b : Number(a) === Number(b);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Quantity || b instanceof Quantity) return a instanceof Quantity && b instanceof Quantity && compareQuantities(a, b) === 0;
  const da = durationNanos(a);
  const db = durationNanos(b);
  if (da !== undefined || db !== undefined) return da === db;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => equal(v, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && equal((a as Record<string, Value>)[k], (b as Record<string, Value>)[k]));
}

function extreme(list: Value[], name: "min" | "max"): Value {
  if (list.length === 0) throw new CelFunctionError(`${name} called on empty list`);
  let best = list[0];
  for (const v of list.slice(1)) if (name === "min" ? compare(v, best) < 0 : compare(v, best) > 0) best = v;
  return best;
}

function sum(list: Value[]): Value {
  if (list.length === 0) return 0n;
  if (typeof list[0] === "number") return (list as number[]).reduce((a, b) => a + b, 0);
  const total = (list as bigint[]).reduce((a, b) => a + b, 0n);
  if (total > 9223372036854775807n || total < -9223372036854775808n) throw new CelFunctionError("integer overflow");
  return total;
}

/** An RE2 pattern as a JavaScript RegExp (crd-schema-formats' `goPattern`: inline flags, `\A`, `\z`, `\pL`, POSIX classes); `g` for all matches. */
function regex(pattern: string, global = false): RegExp {
  const re = goPattern(pattern);
  if (!re) throw new CelFunctionError(`error parsing regexp: invalid or unsupported pattern: \`${pattern}\``);
  return global ? new RegExp(re.source, `${re.flags}g`) : re;
}

/** Go's strings.ToLower/ToUpper limited to ASCII, as CEL's `lowerAscii`/`upperAscii`. */
const asciiCase = (s: string, upper: boolean) => s.replace(upper ? /[a-z]+/g : /[A-Z]+/g, (m) => (upper ? m.toUpperCase() : m.toLowerCase()));

/** Go's strings.Replace: the first `n` (all if negative) of `from` replaced; an empty `from` matches before each character and at the end. */
function replace(s: string, from: string, to: string, n: bigint): string {
  const parts = from === "" ? ["", ...chars(s), ""] : s.split(from);
  const joins = parts.length - 1;
  const replaced = n < 0n || n > BigInt(joins) ? joins : Number(n);
  if (from === "") return parts.slice(1, -1).reduce((out, c, i) => out + (i < replaced ? to : "") + c, "") + (replaced > chars(s).length ? to : "");
  return parts.slice(0, replaced + 1).join(to) + (replaced < joins ? from + parts.slice(replaced + 1).join(from) : "");
}

/** Code points: CEL strings index by them. */
const chars = (s: string) => [...s];

let cel: typeof Cel | undefined;
let environments: { plain: Environment; optionalOldSelf: Environment } | undefined;

/** Why the library could not be imported (it needs Node.js 20.19 or newer): rules are then skipped, with this as the reason. */
let unavailable: string | undefined;

/** Import the CEL library (once; `startCluster` awaits it). A failure is kept, not thrown: the cluster runs without rules. */
export async function loadCel(): Promise<void> {
  if (cel || unavailable) return;
  try {
    cel = (await importModule("@marcbachmann/cel-js")) as unknown as typeof Cel;
  } catch (error) {
    unavailable = `the CEL library @marcbachmann/cel-js did not load on Node.js ${process.versions.node} (it needs 20.19 or newer): ${(error as Error).message.split("\n")[0]}`;
  }
}

/** The imported library (`Optional` for `optionalOldSelf` rules). Throws, saying why, when it did not load. */
export function celLibrary(): typeof Cel {
  if (!cel) throw new Error(unavailable ?? "the CEL library is not loaded: startCluster loads it (loadCel)");
  return cel;
}

/** The `sets` namespace of cel-go's sets extension: a constant whose methods are the functions. */
class SetsNamespace {}

/** Every element of `b` is in `a` (CEL equality). */
const containsAll = (a: Value[], b: Value[]) => b.every((x) => a.some((y) => equal(x, y)));

/** `env` with the functions above: Kubernetes' CEL libraries as far as the emulator has them (CRD rules, admission matchConditions). */
export function withLibraries(env: Environment): Environment {
  return withConversions(withQuantities(env))
    .registerType("SetsNamespace", SetsNamespace)
    .registerConstant("sets", "SetsNamespace", new SetsNamespace())
    .registerFunction("SetsNamespace.contains(list, list): bool", (_: SetsNamespace, a: Value[], b: Value[]) => containsAll(a, b))
    .registerFunction("SetsNamespace.equivalent(list, list): bool", (_: SetsNamespace, a: Value[], b: Value[]) => containsAll(a, b) && containsAll(b, a))
    .registerFunction("SetsNamespace.intersects(list, list): bool", (_: SetsNamespace, a: Value[], b: Value[]) => b.some((x) => a.some((y) => equal(x, y))))
    .registerFunction("list.isSorted(): bool", (l: Value[]) => l.every((v, i) => i === 0 || compare(l[i - 1], v) <= 0))
    .registerFunction("list.sum(): dyn", (l: Value[]) => sum(l))
    .registerFunction("list.min(): dyn", (l: Value[]) => extreme(l, "min"))
    .registerFunction("list.max(): dyn", (l: Value[]) => extreme(l, "max"))
    .registerFunction("list.indexOf(dyn): int", (l: Value[], v: Value) => BigInt(l.findIndex((x) => equal(x, v))))
    .registerFunction("list.lastIndexOf(dyn): int", (l: Value[], v: Value) => BigInt(l.findLastIndex((x) => equal(x, v))))
    .registerFunction("string.find(string): string", (s: string, re: string) => regex(re).exec(s)?.[0] ?? "")
    .registerFunction("string.findAll(string): list<string>", (s: string, re: string) => [...s.matchAll(regex(re, true))].map((m) => m[0]))
    .registerFunction("string.findAll(string, int): list<string>", (s: string, re: string, n: bigint) => {
      const all = [...s.matchAll(regex(re, true))].map((m) => m[0]);
      return n < 0n ? all : all.slice(0, Number(n));
    })
    // `has` of a field of any expression (crd-cel-source rewrites the calls the library cannot take).
    .registerFunction(`${HAS}(dyn, string): bool`, (v: Value, field: string) => {
      if (v instanceof Map) return v.has(field);
      if (typeof v === "object" && v !== null && !Array.isArray(v)) return Object.hasOwn(v, field);
      throw new CelFunctionError("invalid type for field selection.");
    })
    // The built-ins crd-cel-source renames calls of: RE2 patterns, ASCII-only case changes.
    .registerFunction(`string.${RENAMED.matches}(string): bool`, (s: string, re: string) => regex(re).test(s))
    .registerFunction(`${RENAMED.matches}(string, string): bool`, (s: string, re: string) => regex(re).test(s))
    .registerFunction(`string.${RENAMED.lowerAscii}(): string`, (s: string) => asciiCase(s, false))
    .registerFunction(`string.${RENAMED.upperAscii}(): string`, (s: string) => asciiCase(s, true))
    .registerFunction("string.charAt(int): string", (s: string, i: bigint) => {
      const cs = chars(s);
      if (i < 0n || i > BigInt(cs.length)) throw new CelFunctionError(`index out of range: ${i}`);
      return cs[Number(i)] ?? "";
    })
    .registerFunction("string.replace(string, string): string", (s: string, from: string, to: string) => replace(s, from, to, -1n))
    .registerFunction("string.replace(string, string, int): string", (s: string, from: string, to: string, n: bigint) => replace(s, from, to, n));
}

/**
 * The two environments: `oldSelf` as a value, and as an `optional` (a rule with
 * `optionalOldSelf: true`). Made once per process.
 */
export function celEnvironments(): { plain: Environment; optionalOldSelf: Environment } {
  if (environments) return environments;
  const { Environment } = celLibrary();
  const options = { unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: true, enableOptionalTypes: true };
  const plain = withLibraries(new Environment(options).registerVariable("self", "dyn").registerVariable("oldSelf", "dyn"));
  const optionalOldSelf = withLibraries(new Environment(options).registerVariable("self", "dyn").registerVariable("oldSelf", "optional<dyn>"));
  return (environments = { plain, optionalOldSelf });
}

