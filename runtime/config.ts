/**
 * @module config
 * Configuration as a pure function of its inputs: `loadConfig(command, argv, env)` parses the
 * command's flags and the environment against one table of options (`OPTIONS`), validates the
 * result (`config-accept.ts` when it is valid, else zod, whose issues name the fault) and returns
 * it frozen. The same table renders `--help` and the README's
 * reference, so an option is documented exactly once.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import type { z } from "zod";
import { zod } from "./zod-runtime.js";
import { ConfigError } from "./errors.js";
import { closestName } from "./edit-distance.js";
import { imageReferenceProblem } from "./image-reference.js";
import { acceptConfig, SIZING_CHECKS, APP_NAME, BOUNDS, CLUSTER_MODES, CLUSTER_PORT, DEFAULTS, isNamespaceList, NAMESPACE_LIST_MESSAGE, isCidrList, CIDR_LIST_MESSAGE, KUBE_HTTP_CLIENTS, LOG_LEVELS, MAX_APP_LENGTH, NAMESPACE, WHOLE_NUMBER, WORKLOAD_NAME, WORKLOAD_NAME_MESSAGE } from "./config-accept.js";

type Kind = "string" | "number" | "boolean";

export interface OptionSpec {
  /** Long flag, without `--`. */
  flag: string;
  /** Environment variable read when the flag is absent. */
  env?: string;
  kind: Kind;
  /**
   * The default as help and the README say it, when it is not one value of `DEFAULTS` (a rule
   * such as "the pod's namespace", or "none"); otherwise left out and shown from `DEFAULTS`,
   * which the checks apply (see `defaultTextOf`).
   */
  defaultText?: string;
  /** Commands that default to another value (`podfn cluster`'s port is the API server's). */
  defaultFor?: Readonly<Record<string, string | number>>;
  description: string;
  /** Commands that take this option. */
  commands: readonly string[];
  /**
   * A boolean option that may be given a value too, named so in help (`workloads`: `--pdb`, or
   * `--pdb public,http`): alone it is true; its value is the next argument unless that is an
   * option (so only for commands that take no arguments), or follows `=`.
   */
  valueOptional?: string;
}

const SERVE = ["serve", "dev"] as const;
const KUBE = ["serve", "dev", "run"] as const;

/** Every option, in help order. Keys are the config field names. */
export const OPTIONS = {
  port: { flag: "port", env: "PORT", kind: "number", defaultFor: { cluster: CLUSTER_PORT }, description: "TCP port of the HTTP server.", commands: [...SERVE, "cluster"] },
  host: { flag: "host", env: "HOST", kind: "string", defaultText: ":: in a pod (every IPv6 and IPv4 address; 0.0.0.0 where the kernel has no IPv6), else 127.0.0.1", description: "Address the HTTP server listens on.", commands: SERVE },
  functions: { flag: "functions", env: "PODFN_FUNCTIONS", kind: "string", description: "Folder of function modules (nested folders allowed; `_*` and `*.test.*` skipped).", commands: [...KUBE, "list", "manifests", "new"] },
  logLevel: { flag: "log-level", env: "LOG_LEVEL", kind: "string", description: "trace, debug, info, warn, error, fatal or silent.", commands: KUBE },
  secretsDir: { flag: "secrets-dir", env: "PODFN_SECRETS_DIR", kind: "string", description: "Folder of secrets, one file per secret name: the caller-auth ones and those the functions declare (`secrets`), where the generated pods mount them. On the embedded emulated cluster (and in a local podfn run that needs no cluster, where it would be used) the default is .podfn/secrets.", commands: [...SERVE, "run"] },
  cluster: { flag: "cluster", env: "PODFN_CLUSTER", kind: "string", description: "Which cluster to use: auto (kubeconfig or in-cluster, else the embedded emulated cluster; never the emulator inside a pod or where NODE_ENV=production, as in the image), real, or emulated.", commands: KUBE },
  kubeconfig: { flag: "kubeconfig", env: "KUBECONFIG", kind: "string", defaultText: "~/.kube/config", description: "kubeconfig file (the flag: one file, which must exist; KUBECONFIG: a `:`-separated list merged as kubectl merges it, missing and empty entries skipped).", commands: KUBE },
  context: { flag: "context", kind: "string", defaultText: "the kubeconfig's current-context", description: "kubeconfig context to use.", commands: KUBE },
  as: { flag: "as", kind: "string", defaultText: "none", description: "Act as this user (impersonation, as kubectl's --as; needs the impersonate verb): `system:serviceaccount:<namespace>:<name>` runs the functions with the rights of that ServiceAccount, e.g. the one `podfn manifests` generated for them. Replaces the kubeconfig user's `as`. Not with the embedded emulated cluster, which runs functions as a ServiceAccount granted their declared rights already.", commands: KUBE },
  asGroup: { flag: "as-group", kind: "string", defaultText: "none", description: "Groups to act as, comma-separated (with --as or a kubeconfig user's `as`; a ServiceAccount's own groups are added by the API server when none are given).", commands: KUBE },
  asUid: { flag: "as-uid", kind: "string", defaultText: "none", description: "UID to act as (with --as or a kubeconfig user's `as`).", commands: KUBE },
  serviceAccountDir: { flag: "serviceaccount-dir", env: "PODFN_SERVICEACCOUNT_DIR", kind: "string", description: "In-cluster ServiceAccount folder (token, ca.crt, namespace).", commands: KUBE },
  namespace: { flag: "namespace", env: "PODFN_NAMESPACE", kind: "string", defaultFor: { manifests: "default" }, defaultText: "the pod's or kubeconfig context's, else default", description: "Namespace functions run in (and manifests target).", commands: [...KUBE, "manifests"] },
  maxInflight: { flag: "max-inflight", env: "PODFN_MAX_INFLIGHT", kind: "number", description: "Concurrent function calls before answering 429.", commands: SERVE },
  drainTimeoutMs: { flag: "drain-timeout-ms", env: "PODFN_DRAIN_TIMEOUT_MS", kind: "number", description: "On SIGTERM, how long HTTP calls in flight may finish before their signals abort; for run, whose handler is aborted at once (on SIGTERM, or past its timeoutMs), how long it may clean up. (In-process schedules and watch calls are aborted at once and get what is left of their timeoutMs, 10 minutes at most, then 2 s.)", commands: [...SERVE, "run"] },
  adminPort: { flag: "admin-port", env: "PODFN_ADMIN_PORT", kind: "number", defaultText: "none (beside the functions, on --port)", description: "Serve /healthz, /readyz and /metrics on this port instead, where a Service or Ingress of the functions does not expose them (the generated Deployment sets 9090).", commands: SERVE },
  keepAliveTimeoutMs: { flag: "keep-alive-timeout-ms", env: "PODFN_KEEP_ALIVE_TIMEOUT_MS", kind: "number", description: "How long an idle client connection is kept open for its next request. Longer than the proxies' in front (ingress-nginx and AWS ALB keep theirs 60 s; Google's load balancer 600 s: set 620000 there), else a proxy may send a request on a connection the server is closing and answer its caller 502.", commands: SERVE },
  shutdownDelayMs: { flag: "shutdown-delay-ms", env: "PODFN_SHUTDOWN_DELAY_MS", kind: "number", description: "On SIGTERM, how long to go on serving calls (readiness failing) before the drain: the time Services and load balancers take to stop sending to a terminating pod. The generated Deployment sets 5000.", commands: ["serve"] },
  admissionPort: { flag: "admission-port", env: "PODFN_ADMISSION_PORT", kind: "number", description: "HTTPS port of the admission webhooks (functions with `admission`), at /admission/<name>; the API server calls webhooks over TLS only. Served only when some function has `admission`.", commands: SERVE },
  admissionCertFile: { flag: "admission-cert-file", env: "PODFN_ADMISSION_CERT_FILE", kind: "string", description: "PEM certificate of the admission webhooks (re-read when it changes: a renewed Secret is picked up by new connections). Its default is where controller-runtime and cert-manager setups mount it; the generated Deployment mounts cert-manager's Secret there. In a pod, or when given, a missing or unusable file stops serve. Outside a pod, without it: on the embedded emulated cluster the webhooks are served with a certificate it makes and trusts (and registered with it; given, this one is registered as their caBundle), against another cluster they go unserved (its API server cannot call this process).", commands: SERVE },
  admissionKeyFile: { flag: "admission-key-file", env: "PODFN_ADMISSION_KEY_FILE", kind: "string", description: "PEM private key of that certificate (never logged).", commands: SERVE },
  input: { flag: "input", kind: "string", defaultText: "{}", description: "Input of the call, as JSON.", commands: ["run"] },
  inputFile: { flag: "input-file", kind: "string", defaultText: "none", description: "Read the input JSON from this file.", commands: ["run"] },
  dryRun: { flag: "dry-run", kind: "boolean", description: "Send every write as a server-side dry run (dryRun=All); nothing changes.", commands: ["run"] },
  schedule: { flag: "schedule", kind: "string", defaultText: "none", description: "Run as this schedule of the function: its `name`, or, for an unnamed one, its place in the list from 0 (\"0\" for one unnamed schedule); its input is the default input, the trigger the schedule. Set by the generated CronJobs.", commands: ["run"] },
  json: { flag: "json", kind: "boolean", description: "Print JSON instead of a table.", commands: ["list"] },
  image: { flag: "image", env: "PODFN_IMAGE", kind: "string", description: "Container image of the workloads; pin a tag or digest (pods pull IfNotPresent).", commands: ["manifests"] },
  out: { flag: "out", kind: "string", description: "Folder the manifests are written to.", commands: ["manifests"] },
  app: { flag: "app", env: "PODFN_APP", kind: "string", description: "Application name (lower case letters, digits and `-`, starting with a letter): prefix of every generated object's name, the app.kubernetes.io/name label, and the scheduler Lease (`<app>-scheduler`, `<app>-<workload>-scheduler` for a named workload).", commands: ["manifests", ...SERVE] },
  replicas: { flag: "replicas", kind: "string", defaultText: "2", description: "Replicas of each serving Deployment (the HPA's minimum when --max-replicas is set): one value for every workload and/or workload=value for some, comma-separated (`2,public=4`; `http` is the default workload).", commands: ["manifests"] },
  maxReplicas: { flag: "max-replicas", kind: "string", defaultText: "none (no HorizontalPodAutoscaler)", description: "Add a HorizontalPodAutoscaler on CPU scaling each serving Deployment up to this many replicas; per workload as --replicas (`public=10`: that workload's only).", commands: ["manifests"] },
  pdb: { flag: "pdb", kind: "boolean", valueOptional: "workloads", defaultText: "false", description: "Add a PodDisruptionBudget keeping all but one replica of each serving Deployment up during voluntary disruptions, or, given workload names (`--pdb public,http`), of those only (needs 2 replicas or more there); a pod that is not ready may always be evicted (unhealthyPodEvictionPolicy AlwaysAllow), so a crash-looping one never blocks a drain.", commands: ["manifests"] },
  networkPolicy: { flag: "network-policy", kind: "boolean", description: "Add NetworkPolicies (ingress; egress too with --egress-cidrs): the HTTP pods take the functions' port from anywhere and the operations port (/healthz, /readyz, /metrics) only from --metrics-namespaces; CronJob pods take no connections. Needs a CNI that enforces NetworkPolicies.", commands: ["manifests"] },
  metricsNamespaces: { flag: "metrics-namespaces", kind: "string", defaultText: "monitoring", description: "With --network-policy, the namespaces (comma-separated) whose pods may reach the operations port: where Prometheus runs.", commands: ["manifests"] },
  egressCidrs: { flag: "egress-cidrs", kind: "string", defaultText: "none (egress left open)", description: "With --network-policy, limit every generated pod's egress to DNS (port 53 of kube-system's pods), these CIDRs (comma-separated) and the egress its functions declare. These must hold the API server's endpoint addresses (kubectl get endpoints kubernetes -n default), else every API call times out, and whatever every pod calls.", commands: ["manifests"] },
  cpuRequest: { flag: "cpu-request", kind: "string", defaultText: "50m", description: "CPU every generated container requests (a Kubernetes quantity: 250m is a quarter core); per serving workload as --replicas (`50m,public=250m`). CronJobs take the value for every workload, and a function's `resources` override it for its CronJobs.", commands: ["manifests"] },
  memoryRequest: { flag: "memory-request", kind: "string", defaultText: "96Mi", description: "Memory every generated container requests (a Kubernetes quantity: 128Mi, 1Gi); per serving workload as --replicas. CronJobs take the value for every workload, and a function's `resources` override it for its CronJobs.", commands: ["manifests"] },
  cpuLimit: { flag: "cpu-limit", kind: "string", defaultText: "1", description: "CPU limit of every generated container, or `none` for no limit (throttling-free, if your cluster allows it); per serving workload as --replicas (`none,public=2`). CronJobs take the value for every workload, and a function's `resources` override it for its CronJobs.", commands: ["manifests"] },
  memoryLimit: { flag: "memory-limit", kind: "string", defaultText: "512Mi", description: "Memory limit of every generated container, or `none`; per serving workload as --replicas (`512Mi,public=1Gi`). Below 384Mi a process that outgrows its memory is OOM-killed by the kernel (exit 137, no error logged) before Node's heap limit is reached. CronJobs take the value for every workload, and a function's `resources` override it for its CronJobs.", commands: ["manifests"] },
  stateDir: { flag: "state-dir", env: "PODFN_STATE_DIR", kind: "string", description: "Where the emulated cluster's admin.kubeconfig is written (and ca.crt, by `podfn cluster`).", commands: ["cluster", ...SERVE] },
  clusterObjects: {
    flag: "cluster-objects",
    env: "PODFN_CLUSTER_OBJECTS",
    kind: "string",
    defaultText: "none",
    description: "On the embedded emulated cluster only: a manifest file, or a folder of them (*.yaml, *.yml, *.json; several YAML documents and `List`s allowed; YAML read as kubectl reads it, YAML 1.1: `0644` octal, `yes`/`on` booleans), applied as it starts, CustomResourceDefinitions first (the server's warnings about them are logged): the CRDs and objects your functions need there.",
    commands: ["cluster", ...KUBE],
  },
  workload: {
    flag: "workload",
    env: "PODFN_WORKLOAD",
    kind: "string",
    defaultText: "every function",
    description:
      "Serve only the functions naming this `workload` (routes, watches, in-process schedules, webhooks), or with `http` those naming none: what the generated Deployment of each workload passes when some function names one. The Lease is the workload's (`<app>-<workload>-scheduler`; `<app>-scheduler` for http). A name no function has is refused, listing those there are.",
    commands: ["serve"],
  },
  identity: { flag: "identity", env: "POD_NAME", kind: "string", defaultText: "the host name and a random suffix, e.g. vm-1d1f39", description: "This replica's identity in leader election (the generated Deployment sets the pod's name).", commands: ["serve"] },
  terminationLog: { flag: "termination-log", env: "PODFN_TERMINATION_LOG", kind: "string", description: "File the reason of a failed run (or of serve stopping on an error) is written to, at most 4096 bytes: the container's termination message, which Kubernetes shows in the pod's status (`kubectl describe pod`: Last State, Message). Written only where the file exists (the kubelet makes it in every container), never made.", commands: ["serve", "run"] },
  kubeHttpClient: { flag: "kube-http-client", env: "PODFN_KUBE_HTTP_CLIENT", kind: "string", description: "How the Kubernetes client sends: auto (Node's HTTPS client while quiet, ~10 MB less idle memory; undici from the first second with more than 16 requests), undici (from the start: steadier latency under load), or node.", commands: KUBE },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

/** The options' zod schema, built when a configuration `acceptConfig` does not accept needs explaining. */
/** An option given as an empty string: what to write instead. */
const NOT_EMPTY = "must not be empty (leave the option out for its default)";

function buildSchema() {
  const z = zod();
  // A choice: the values there are, and the one likely meant (`INFO`: "info").
  const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, {
      error: (issue) => {
        const meant = typeof issue.input === "string" ? closestName(issue.input, values) : undefined;
        return `must be one of ${values.join(", ")}${meant ? `: did you mean "${meant}"?` : ""}`;
      },
    });
  // One message for every way a number can be wrong: what to write instead.
  const num = ([min, max]: readonly [number, number]) => {
    const message = `must be a whole number from ${min} to ${max}`;
    return z
      .union([z.number(), z.string().trim().regex(WHOLE_NUMBER, message).pipe(z.coerce.number({ error: message }))], { error: message })
      .pipe(z.number({ error: message }).int(message).min(min, message).max(max, message));
  };
  // A sizing option of `podfn manifests`: a value per workload, read as acceptConfig reads it.
  const perWorkload = <K extends keyof typeof SIZING_CHECKS>(key: K) =>
    z
      .unknown()
      .transform((v, ctx) => {
        const result = SIZING_CHECKS[key](v) as ReturnType<(typeof SIZING_CHECKS)[K]>;
        if (result.ok) return result.value as Extract<ReturnType<(typeof SIZING_CHECKS)[K]>, { ok: true }>["value"];
        ctx.addIssue({ code: "custom", message: result.problem });
        return z.NEVER;
      })
      .optional();
  const d = DEFAULTS;
  return z.object({
    port: num(BOUNDS.port).default(d.port),
    host: z.string().min(1, NOT_EMPTY).optional(),
    functions: z.string().min(1, NOT_EMPTY).default(d.functions),
    logLevel: oneOf(LOG_LEVELS).default(d.logLevel),
    secretsDir: z.string().min(1, NOT_EMPTY).default(d.secretsDir),
    cluster: oneOf(CLUSTER_MODES).default(d.cluster),
    kubeconfig: z.string().min(1, NOT_EMPTY).optional(),
    context: z.string().min(1, NOT_EMPTY).optional(),
    as: z.string().min(1, NOT_EMPTY).optional(),
    asGroup: z.string().min(1, NOT_EMPTY).optional(),
    asUid: z.string().min(1, NOT_EMPTY).optional(),
    serviceAccountDir: z.string().min(1, NOT_EMPTY).default(d.serviceAccountDir),
    namespace: z.string().regex(NAMESPACE, "must be a namespace name: a DNS label (lower case letters, digits and '-', at most 63 characters)").optional(),
    maxInflight: num(BOUNDS.maxInflight).default(d.maxInflight),
    drainTimeoutMs: num(BOUNDS.drainTimeoutMs).default(d.drainTimeoutMs),
    adminPort: num(BOUNDS.port).optional(),
    keepAliveTimeoutMs: num(BOUNDS.keepAliveTimeoutMs).default(d.keepAliveTimeoutMs),
    shutdownDelayMs: num(BOUNDS.shutdownDelayMs).default(d.shutdownDelayMs),
    admissionPort: num(BOUNDS.port).default(d.admissionPort),
    admissionCertFile: z.string().min(1, NOT_EMPTY).default(d.admissionCertFile),
    admissionKeyFile: z.string().min(1, NOT_EMPTY).default(d.admissionKeyFile),
    input: z.string().optional(),
    inputFile: z.string().optional(),
    dryRun: z.boolean().default(d.dryRun),
    schedule: z.string().min(1, NOT_EMPTY).optional(),
    json: z.boolean().default(d.json),
    image: z
      .string()
      .min(1, NOT_EMPTY)
      .superRefine((v, ctx) => {
        const problem = v === "" ? undefined : imageReferenceProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default(d.image),
    out: z.string().min(1, NOT_EMPTY).default(d.out),
    app: z
      .string()
      .regex(APP_NAME, "must be lower case letters, digits and '-', starting with a letter (it begins the Service's name, a DNS-1035 label)")
      .max(MAX_APP_LENGTH, `must be at most ${MAX_APP_LENGTH} characters (it prefixes object names)`)
      .default(d.app),
    replicas: perWorkload("replicas"),
    maxReplicas: perWorkload("maxReplicas"),
    pdb: perWorkload("pdb"),
    networkPolicy: z.boolean().default(d.networkPolicy),
    metricsNamespaces: z.string().refine(isNamespaceList, NAMESPACE_LIST_MESSAGE).optional(),
    egressCidrs: z.string().refine(isCidrList, CIDR_LIST_MESSAGE).optional(),
    cpuRequest: perWorkload("cpuRequest"),
    memoryRequest: perWorkload("memoryRequest"),
    cpuLimit: perWorkload("cpuLimit"),
    memoryLimit: perWorkload("memoryLimit"),
    stateDir: z.string().min(1, NOT_EMPTY).default(d.stateDir),
    clusterObjects: z.string().min(1, NOT_EMPTY).optional(),
    workload: z.string().regex(WORKLOAD_NAME, WORKLOAD_NAME_MESSAGE).optional(),
    identity: z.string().min(1, NOT_EMPTY).optional(),
    terminationLog: z.string().min(1, NOT_EMPTY).default(d.terminationLog),
    kubeHttpClient: oneOf(KUBE_HTTP_CLIENTS).default(d.kubeHttpClient),
  });
}

let schema: ReturnType<typeof buildSchema> | undefined;

/** The options' zod schema (the reference `acceptConfig` is tested against). */
export function optionsSchema(): ReturnType<typeof buildSchema> {
  return (schema ??= buildSchema());
}

type ConfigValues = z.output<ReturnType<typeof buildSchema>>;

/**
 * The resolved configuration of a podfn process (`podfn serve`, `run`, `dev`...): every option
 * of flags, environment and defaults, as `loadConfig` reads them (README: Options).
 */
export type Config = Readonly<Omit<ConfigValues, "host">> & {
  /** Listen address, defaulted: `::` in a pod (dual-stack and IPv6-only clusters alike), else `127.0.0.1`. */
  readonly host: string;
  /** True when the process runs in a pod (`KUBERNETES_SERVICE_HOST` is set). */
  readonly inCluster: boolean;
  /** The environment the config was read from (for credential discovery). */
  readonly env: Readonly<Record<string, string | undefined>>;
};

/** Options a command takes, in help order. */
export function optionsFor(command: string): [OptionName, OptionSpec][] {
  return (Object.entries(OPTIONS) as [OptionName, OptionSpec][]).filter(([, o]) => o.commands.includes(command));
}

/**
 * A `$KUBECONFIG`-style list without its empty entries (`$KUBECONFIG:/path` with `$KUBECONFIG`
 * unset); the kubeconfig loader merges the files of the list that exist, as kubectl does.
 */
function kubeconfigList(list: string): string | undefined {
  return list.split(":").filter((entry) => entry !== "").join(":") || undefined;
}

/**
 * What is wrong with the arguments, in podfn's words for an unknown option (the one meant, if one
 * of `flags` is close, or the commands that take it), else in parseArgs' own.
 */
function argumentProblem(error: Error & { code?: string }, command: string, argv: readonly string[], options: Record<string, { type: "string" | "boolean"; short?: string }>): string {
  // Node's parseArgs messages sometimes end with their own period.
  const own = error.message.replace(/\.$/, "");
  // `--port -1`: parseArgs will not take a value that starts with a dash, and says so in three sentences.
  const ambiguous = /^Option '(--[^']+)' argument is ambiguous/.exec(error.message);
  if (ambiguous) {
    const value = argv[argv.indexOf(ambiguous[1]!) + 1] ?? "";
    return `${ambiguous[1]} needs a value, and ${JSON.stringify(value)} looks like an option (write ${ambiguous[1]}=${value} to give it anyway)`;
  }
  if (error.code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") return own;
  const given = firstUnknownOption(argv, options);
  if (given === undefined) return own;
  if (!given.startsWith("--")) return `unknown option ${given} (podfn's options are long: --name)`;
  const name = given.slice(2);
  const flags = Object.keys(options);
  const meant = closestName(name, flags);
  if (meant) return `unknown option --${name}: did you mean --${meant}?`;
  const elsewhere = Object.values(OPTIONS).find((spec) => spec.flag === name)?.commands;
  return elsewhere ? `podfn ${command} takes no --${name} (${elsewhere.map((c) => `podfn ${c}`).join(", ")} ${elsewhere.length === 1 ? "does" : "do"})` : `unknown option --${name}`;
}

/** The first option in `argv` that `options` does not know, as parseArgs meets them (a string option's value skipped; nothing after `--`). */
function firstUnknownOption(argv: readonly string[], options: Record<string, { type: "string" | "boolean"; short?: string }>): string | undefined {
  const shorts = new Map(Object.entries(options).flatMap(([flag, o]) => (o.short ? [[o.short, flag] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return undefined;
    if (arg.startsWith("--")) {
      const [name, value] = [arg.slice(2).split("=")[0]!, arg.includes("=")];
      const option = options[name];
      if (!option) return `--${name}`;
      if (option.type === "string" && !value) i++;
    } else if (arg.startsWith("-") && arg !== "-") {
      const flag = shorts.get(arg[1]!);
      if (flag === undefined) return arg.slice(0, 2);
    }
  }
  return undefined;
}

/**
 * `argv` as parseArgs reads it when options that may go without their value (`valueOptional`:
 * `--pdb`, or `--pdb public,http`) are string options: each given alone (last or before another
 * option) is written `--pdb=`; `bare` names those whose last occurrence was alone, which are true.
 */
function withBareOptions(argv: readonly string[], flags: ReadonlySet<string>): { args: string[]; bare: Set<string> } {
  const args = [...argv];
  const bare = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") break;
    const flag = arg.startsWith("--") ? arg.slice(2).split("=")[0]! : "";
    if (!flags.has(flag)) continue;
    const next = args[i + 1];
    if (arg.includes("=") || (next !== undefined && !next.startsWith("-"))) {
      bare.delete(flag);
    } else {
      args[i] = `${arg}=`;
      bare.add(flag);
    }
  }
  return { args, bare };
}

/**
 * Parse `argv` (the arguments after the command name) and `env` for `command`.
 * Flags win over environment variables, which win over defaults.
 * Throws `ConfigError` naming the flag or variable at fault.
 *
 * @example
 * const { config, positionals } = loadConfig("serve", ["--port", "9000"], process.env);
 */
export function loadConfig(
  command: string,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { config: Config; positionals: string[] } {
  const specs = optionsFor(command);
  const parseOptions: Record<string, { type: "string" | "boolean"; short?: string }> = { help: { type: "boolean", short: "h" } };
  for (const [, spec] of specs) parseOptions[spec.flag] = { type: spec.kind === "boolean" && spec.valueOptional === undefined ? "boolean" : "string" };
  const { args, bare } = withBareOptions(argv, new Set(specs.filter(([, spec]) => spec.valueOptional !== undefined).map(([, spec]) => spec.flag)));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: parseOptions, allowPositionals: true, strict: true });
  } catch (error) {
    const problem = argumentProblem(error as Error & { code?: string }, command, args, parseOptions);
    throw new ConfigError(`${problem}${problem.endsWith("?") ? "" : "."} See \`podfn ${command} --help\`.`, { cause: error });
  }
  const raw: Record<string, unknown> = {};
  const source: Record<string, string> = {};
  for (const [key, spec] of specs) {
    const fromFlag = bare.has(spec.flag) ? true : parsed.values[spec.flag];
    const envName = "env" in spec ? spec.env : undefined;
    const fromEnv = envName ? env[envName] : undefined;
    if (fromFlag !== undefined) {
      raw[key] = fromFlag;
      source[key] = `--${spec.flag}`;
    } else if (fromEnv !== undefined && fromEnv !== "") {
      raw[key] = spec.kind === "boolean" ? ["1", "true", "yes"].includes(fromEnv.toLowerCase()) : fromEnv;
      source[key] = envName!;
    } else if (spec.defaultFor?.[command] !== undefined) {
      // This command's own default (`podfn cluster`'s port), checked as a flag would be.
      raw[key] = String(spec.defaultFor[command]);
    }
  }
  if (raw.kubeconfig && typeof raw.kubeconfig === "string") {
    // The flag names one file, which must be there (as kubectl's does); KUBECONFIG is a list.
    if (source.kubeconfig === "--kubeconfig" && !existsSync(raw.kubeconfig)) throw new ConfigError(`--kubeconfig: ${raw.kubeconfig}: no such file`);
    if (source.kubeconfig !== "--kubeconfig") raw.kubeconfig = kubeconfigList(raw.kubeconfig);
  }
  const accepted = acceptConfig(raw) as ConfigValues | undefined;
  const result = accepted ? { success: true as const, data: accepted } : optionsSchema().safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "");
      const where = source[key] ?? (key in OPTIONS ? `--${OPTIONS[key as OptionName].flag}` : key);
      return `${where}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  if (result.data.input !== undefined && result.data.inputFile !== undefined) {
    throw new ConfigError("--input and --input-file: give one, not both");
  }
  const inCluster = Boolean(env.KUBERNETES_SERVICE_HOST);
  const config: Config = Object.freeze({
    ...result.data,
    host: result.data.host ?? (inCluster ? "::" : "127.0.0.1"),
    inCluster,
    env: Object.freeze({ ...env }),
  });
  return { config, positionals: parsed.positionals };
}

/** True when `--help` or `-h` is among the arguments. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/**
 * The default of option `key` as help and the README say it: its `defaultText`, else its value
 * in `DEFAULTS`.
 *
 * @example
 * defaultTextOf("port", OPTIONS.port); // "8080"
 */
export function defaultTextOf(key: string, option: OptionSpec): string {
  return option.defaultText ?? String(DEFAULTS[key as keyof typeof DEFAULTS]);
}

/** The options section of a command's `--help`. */
export function optionsHelp(command: string): string {
  const rows = optionsFor(command).map(([key, o]) => {
    const flag = `--${o.flag}${o.valueOptional ? ` [<${o.valueOptional}>]` : o.kind === "boolean" ? "" : " <value>"}`;
    const env = "env" in o && o.env ? ` [env ${o.env}]` : "";
    return `  ${flag.padEnd(28)} ${o.description}${env} (default: ${o.defaultFor?.[command] ?? defaultTextOf(key, o)})`;
  });
  return ["Options:", ...rows, `  ${"--help".padEnd(28)} Show this help.`].join("\n");
}
