/**
 * @module config-accept
 * The options schema of `config.ts` decided without zod for the common case: `acceptConfig(raw)`
 * returns exactly what `optionsSchema().safeParse(raw).data` would (defaults applied, numbers
 * coerced from text, the same keys) when zod would accept `raw`, and undefined otherwise; zod is
 * then asked and its issues name the fault. Building the zod schema and its first parse cost
 * ~9 ms of every process's start-up (a CronJob's `podfn run` pays it each time); a valid
 * configuration, the usual case, no longer does. `test/core/config-accept.test.ts` compares the
 * two over generated inputs.
 */

/** zod's `num(min, max)`: a number, or text that trims to a number; an integer within bounds. */
function integer(value: unknown, min: number, max: number): number | undefined {
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "string") {
    const text = value.trim();
    if (text.length === 0) return undefined;
    n = Number(text);
  } else return undefined;
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

const LOG_LEVELS = new Set(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);
const CLUSTERS = new Set(["auto", "real", "emulated"]);
const APP = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A rule per field, in the schema's order: undefined input → its default (or absent); else the value, or `REJECT`. */
const REJECT = Symbol("reject");
type Rule = { default?: unknown; check: (value: unknown) => unknown };

const text = (min = 1): Rule["check"] => (v) => (typeof v === "string" && v.length >= min ? v : REJECT);
const numberRule = (min: number, max: number): Rule["check"] => (v) => integer(v, min, max) ?? REJECT;
const oneOf = (set: Set<string>): Rule["check"] => (v) => (typeof v === "string" && set.has(v) ? v : REJECT);
const flag: Rule["check"] = (v) => (typeof v === "boolean" ? v : REJECT);

const RULES: [string, Rule][] = [
  ["port", { default: 8080, check: numberRule(0, 65535) }],
  ["host", { check: text() }],
  ["functions", { default: "functions", check: text() }],
  ["logLevel", { default: "info", check: oneOf(LOG_LEVELS) }],
  ["secretsDir", { default: "/var/run/secrets/podfn", check: text() }],
  ["cluster", { default: "auto", check: oneOf(CLUSTERS) }],
  ["kubeconfig", { check: text() }],
  ["serviceAccountDir", { default: "/var/run/secrets/kubernetes.io/serviceaccount", check: text() }],
  ["namespace", { check: text() }],
  ["maxInflight", { default: 64, check: numberRule(1, 100_000) }],
  ["drainTimeoutMs", { default: 25_000, check: numberRule(0, 3_600_000) }],
  ["input", { check: text(0) }],
  ["inputFile", { check: text(0) }],
  ["dryRun", { default: false, check: flag }],
  ["schedule", { check: text() }],
  ["json", { default: false, check: flag }],
  ["image", { default: "podfn:latest", check: text() }],
  ["out", { default: "deploy/manifests", check: text() }],
  ["app", { default: "podfn", check: (v) => (typeof v === "string" && v.length <= 20 && APP.test(v) ? v : REJECT) }],
  ["replicas", { default: 2, check: numberRule(1, 1000) }],
  ["maxReplicas", { check: numberRule(1, 1000) }],
  ["pdb", { default: false, check: flag }],
  ["stateDir", { default: ".podfn/cluster", check: text() }],
  ["identity", { check: text() }],
];

/** The field names `acceptConfig` knows, in order (the test checks them against the zod schema's). */
export const ACCEPTED_FIELDS: readonly string[] = RULES.map(([key]) => key);

/**
 * The parsed options when zod would accept `raw` (what it would return), else undefined.
 *
 * @example
 * acceptConfig({ port: "9000" }); // { port: 9000, functions: "functions", logLevel: "info", ... }
 * acceptConfig({ port: "x" });    // undefined: zod says why
 */
export function acceptConfig(raw: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, rule] of RULES) {
    const value = raw[key];
    if (value === undefined) {
      if ("default" in rule) out[key] = rule.default;
      else if (key in raw) out[key] = undefined;
      continue;
    }
    const checked = rule.check(value);
    if (checked === REJECT) return undefined;
    out[key] = checked;
  }
  return out;
}
