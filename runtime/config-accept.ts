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
import { nodeNet } from "./node-builtins.js";
import { QUANTITY } from "./quantity.js";
import { isImageReference } from "./image-reference.js";
import { parsePerWorkload, parseWorkloadSwitch, WORKLOAD_NAME, type PerWorkloadResult } from "./per-workload.js";

export { WORKLOAD_NAME } from "./per-workload.js";

/**
 * A whole number as text: decimal digits only (leading zeros read as decimal, as Go's Atoi and
 * kubectl read them). `Number()` alone took `0x10` as 16, `1e1` and `0b1010` as 10, which the
 * message, "a whole number", does not promise. No integer option takes a negative number.
 */
export const WHOLE_NUMBER = /^\d+$/;

/** zod's `num(min, max)`: a number, or text that trims to decimal digits; an integer within bounds. */
function integer(value: unknown, min: number, max: number): number | undefined {
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "string") {
    const text = value.trim();
    if (!WHOLE_NUMBER.test(text)) return undefined;
    n = Number(text);
  } else return undefined;
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

/** The values, defaults and bounds of the options, shared with the zod schema of `config.ts`. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export const CLUSTER_MODES = ["auto", "real", "emulated"] as const;
/** The Kubernetes client's HTTP clients (kube/http-client-choice.ts's; cluster-connection checks they agree). */
export const KUBE_HTTP_CLIENTS = ["auto", "undici", "node"] as const;
/** An app name: a DNS-1035 label (starting with a letter), since it begins the Service's name (`<app>-http`), which Kubernetes 1.32 requires to be one. */
export const APP_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A namespace name: an RFC 1123 label of at most 63 characters. */
export const NAMESPACE = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_APP_LENGTH = 20;
/** `--workload` is a workload's name (`WORKLOAD_NAME`): a DNS label (a function's `workload`, or `http`, the default workload's name). */
export const WORKLOAD_NAME_MESSAGE = "must be a workload's name (a DNS label: lower case letters, digits and '-'), or http for the functions naming none";
/** `podfn cluster`'s port when none is given: the API server's (the shared `port` default is for `serve`). */
export const CLUSTER_PORT = 6443;
export const DEFAULTS = {
  port: 8080,
  functions: "functions",
  logLevel: "info",
  secretsDir: "/var/run/secrets/podfn",
  cluster: "auto",
  serviceAccountDir: "/var/run/secrets/kubernetes.io/serviceaccount",
  maxInflight: 64,
  drainTimeoutMs: 25_000,
  keepAliveTimeoutMs: 65_000,
  shutdownDelayMs: 0,
  admissionPort: 9443,
  admissionCertFile: "/tmp/k8s-webhook-server/serving-certs/tls.crt",
  admissionKeyFile: "/tmp/k8s-webhook-server/serving-certs/tls.key",
  dryRun: false,
  json: false,
  image: "podfn:latest",
  out: "deploy/manifests",
  app: "podfn",
  networkPolicy: false,
  stateDir: ".podfn/cluster",
  kubeHttpClient: "auto",
  terminationLog: "/dev/termination-log",
} as const;
/** Inclusive bounds of the integer options. */
export const BOUNDS = {
  port: [0, 65535],
  maxInflight: [1, 100_000],
  drainTimeoutMs: [0, 3_600_000],
  keepAliveTimeoutMs: [1_000, 3_600_000],
  shutdownDelayMs: [0, 600_000],
  replicas: [1, 1000],
  maxReplicas: [1, 1000],
} as const;

/** `--metrics-namespaces`: namespace names, comma-separated. */
export const isNamespaceList = (v: unknown): boolean => typeof v === "string" && v.split(",").every((n) => NAMESPACE.test(n.trim()));
export const NAMESPACE_LIST_MESSAGE = "must be namespace names, comma-separated (monitoring,observability)";
/**
 * One CIDR as the API server's ParseCIDR reads it: an IPv4 or IPv6 address without a zone,
 * `/`, a prefix length that fits it. Node's isIP takes an IPv6 zone (`fe80::1%eth0`), which a
 * NetworkPolicy's ipBlock refuses ("not a valid CIDR"); it otherwise takes no address Go's parser
 * refuses.
 */
export function isCidr(text: string): boolean {
  const slash = text.indexOf("/");
  if (slash < 0 || text.slice(0, slash).includes("%")) return false;
  // node:net loaded only here, when an address is given: not by a command that has none.
  const family = nodeNet().isIP(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  return family !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
export const isCidrList = (v: unknown): boolean => typeof v === "string" && v.split(",").every((c) => isCidr(c.trim()));
export const CIDR_LIST_MESSAGE = "must be CIDRs, comma-separated (10.0.0.1/32,192.168.0.0/16,fd00::/8)";

/** A resource limit option's value (`--cpu-limit`, `--memory-limit`): a quantity, or `none` for no limit. */
export const isLimit = (v: unknown): boolean => typeof v === "string" && (v === "none" || QUANTITY.test(v));
export const QUANTITY_MESSAGE = "must be a Kubernetes quantity, such as 250m (a quarter core) or 256Mi";
export const LIMIT_MESSAGE = "must be a Kubernetes quantity, such as 2 (cores) or 1Gi, or none for no limit";

/**
 * The sizing options of `podfn manifests`, each a value per workload (per-workload.ts):
 * `--replicas 2,public=4`, `--cpu-limit none,public=2`, `--pdb public,http`. The same parse
 * decides for `acceptConfig` and explains for the zod schema, so the two agree by construction.
 */
const integerMessage = ([min, max]: readonly [number, number]) => `must be a whole number from ${min} to ${max}`;
const quantityValue = (t: string) => (QUANTITY.test(t) ? t : undefined);
const limitValue = (t: string) => (isLimit(t) ? t : undefined);
export const SIZING_CHECKS = {
  replicas: (v: unknown): PerWorkloadResult<number> => parsePerWorkload(v, (t) => integer(t, ...BOUNDS.replicas), integerMessage(BOUNDS.replicas)),
  maxReplicas: (v: unknown): PerWorkloadResult<number> => parsePerWorkload(v, (t) => integer(t, ...BOUNDS.maxReplicas), integerMessage(BOUNDS.maxReplicas)),
  pdb: parseWorkloadSwitch,
  cpuRequest: (v: unknown): PerWorkloadResult<string> => parsePerWorkload(v, quantityValue, QUANTITY_MESSAGE),
  memoryRequest: (v: unknown): PerWorkloadResult<string> => parsePerWorkload(v, quantityValue, QUANTITY_MESSAGE),
  cpuLimit: (v: unknown): PerWorkloadResult<string> => parsePerWorkload(v, limitValue, LIMIT_MESSAGE),
  memoryLimit: (v: unknown): PerWorkloadResult<string> => parsePerWorkload(v, limitValue, LIMIT_MESSAGE),
} as const;

/** A rule per field, in the schema's order: undefined input → its default (or absent); else the value, or `REJECT`. */
const REJECT = Symbol("reject");
type Rule = { default?: unknown; check: (value: unknown) => unknown };

const text = (min = 1): Rule["check"] => (v) => (typeof v === "string" && v.length >= min ? v : REJECT);
const numberRule = ([min, max]: readonly [number, number]): Rule["check"] => (v) => integer(v, min, max) ?? REJECT;
const oneOf = (values: readonly string[]): Rule["check"] => (v) => (typeof v === "string" && values.includes(v) ? v : REJECT);
const flag: Rule["check"] = (v) => (typeof v === "boolean" ? v : REJECT);
const sizing = (key: keyof typeof SIZING_CHECKS): Rule["check"] => (v) => {
  const result = SIZING_CHECKS[key](v);
  return result.ok ? result.value : REJECT;
};

const RULES: [string, Rule][] = [
  ["port", { default: DEFAULTS.port, check: numberRule(BOUNDS.port) }],
  ["host", { check: text() }],
  ["functions", { default: DEFAULTS.functions, check: text() }],
  ["logLevel", { default: DEFAULTS.logLevel, check: oneOf(LOG_LEVELS) }],
  ["secretsDir", { default: DEFAULTS.secretsDir, check: text() }],
  ["cluster", { default: DEFAULTS.cluster, check: oneOf(CLUSTER_MODES) }],
  ["kubeconfig", { check: text() }],
  ["context", { check: text() }],
  ["as", { check: text() }],
  ["asGroup", { check: text() }],
  ["asUid", { check: text() }],
  ["serviceAccountDir", { default: DEFAULTS.serviceAccountDir, check: text() }],
  ["namespace", { check: (v) => (typeof v === "string" && NAMESPACE.test(v) ? v : REJECT) }],
  ["maxInflight", { default: DEFAULTS.maxInflight, check: numberRule(BOUNDS.maxInflight) }],
  ["drainTimeoutMs", { default: DEFAULTS.drainTimeoutMs, check: numberRule(BOUNDS.drainTimeoutMs) }],
  ["adminPort", { check: numberRule(BOUNDS.port) }],
  ["keepAliveTimeoutMs", { default: DEFAULTS.keepAliveTimeoutMs, check: numberRule(BOUNDS.keepAliveTimeoutMs) }],
  ["shutdownDelayMs", { default: DEFAULTS.shutdownDelayMs, check: numberRule(BOUNDS.shutdownDelayMs) }],
  ["admissionPort", { default: DEFAULTS.admissionPort, check: numberRule(BOUNDS.port) }],
  ["admissionCertFile", { default: DEFAULTS.admissionCertFile, check: text() }],
  ["admissionKeyFile", { default: DEFAULTS.admissionKeyFile, check: text() }],
  ["input", { check: text(0) }],
  ["inputFile", { check: text(0) }],
  ["dryRun", { default: DEFAULTS.dryRun, check: flag }],
  ["schedule", { check: text() }],
  ["json", { default: DEFAULTS.json, check: flag }],
  ["image", { default: DEFAULTS.image, check: (v) => (isImageReference(v) ? v : REJECT) }],
  ["out", { default: DEFAULTS.out, check: text() }],
  ["app", { default: DEFAULTS.app, check: (v) => (typeof v === "string" && v.length <= MAX_APP_LENGTH && APP_NAME.test(v) ? v : REJECT) }],
  ["replicas", { check: sizing("replicas") }],
  ["maxReplicas", { check: sizing("maxReplicas") }],
  ["pdb", { check: sizing("pdb") }],
  ["networkPolicy", { default: DEFAULTS.networkPolicy, check: flag }],
  ["metricsNamespaces", { check: (v) => (isNamespaceList(v) ? v : REJECT) }],
  ["egressCidrs", { check: (v) => (isCidrList(v) ? v : REJECT) }],
  ["cpuRequest", { check: sizing("cpuRequest") }],
  ["memoryRequest", { check: sizing("memoryRequest") }],
  ["cpuLimit", { check: sizing("cpuLimit") }],
  ["memoryLimit", { check: sizing("memoryLimit") }],
  ["stateDir", { default: DEFAULTS.stateDir, check: text() }],
  ["clusterObjects", { check: text() }],
  ["workload", { check: (v) => (typeof v === "string" && WORKLOAD_NAME.test(v) ? v : REJECT) }],
  ["identity", { check: text() }],
  ["terminationLog", { default: DEFAULTS.terminationLog, check: text() }],
  ["kubeHttpClient", { default: DEFAULTS.kubeHttpClient, check: oneOf(KUBE_HTTP_CLIENTS) }],
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
