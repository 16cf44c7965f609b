/**
 * @module definition-schema
 * Validates what a module's `defineFunction` call declared, and resolves its defaults into a
 * `LoadedFunction`. A definition `acceptsDefinition` (definition-accept.ts) accepts is used as it is;
 * any other is parsed by the zod schema below (built on first need), whose issues name the field
 * at fault and what to write instead.
 */
import type { z } from "zod";
import { zod } from "./zod-runtime.js";
import { issuePath } from "./zod-issues.js";
import { permissionProblems } from "./builtin-resources.js";
import { undeclaredDryRunKey } from "./input-dry-run.js";
import { closestName } from "./edit-distance.js";
import { inputIssues } from "./input-issues.js";
import { copyPlain, isPlainObject } from "./plain-object.js";
import type { LoadedFunction, PodfnFunction, WatchTrigger } from "./function.js";
import { validateCron } from "./schedule/cron.js";
import { admissionProblems, admissionZodSchema, loadAdmission } from "./admission/definition.js";
import type { AdmissionTrigger } from "./admission/types.js";
import { QUANTITY, requestsAboveLimits } from "./quantity.js";
import { CONDITION_TYPE, CONDITION_TYPE_MESSAGE, isOwnableFinalizer, API_VERSION, builtInWatchNames, loadWatch, MAX_WATCH_CONCURRENCY, MAX_WATCH_RESYNC_SECONDS, MAX_WATCH_RETRIES, unknownResourceMessage, WATCH_EVENTS, WATCH_NAME, watchedType, watchEntryProblems } from "./watch/definition.js";
import {
  acceptsDefinition,
  KEYS_BY_PATH,
  CONCURRENCY_POLICIES,
  DEFAULT_WORKLOAD,
  DNS_LABEL,
  DOT_SEGMENT,
  ENV_NAME,
  HEADER_NAME,
  HMAC_ALGORITHMS,
  HMAC_ENCODINGS,
  SIGNATURE_SCHEMES,
  HTTP_METHODS,
  isEgressCidr,
  isPort,
  isZodSchema,
  MAX_NAME_LENGTH,
  MAX_SCHEDULE_NAME_LENGTH,
  MAX_TIMEOUT_MS,
  MAX_HTTP_INFLIGHT,
  MAX_WORKLOAD_LENGTH,
  NAMESPACE_NAME,
  RESERVED_NAMES,
  RESERVED_PATHS,
  SCHEDULE_MODES,
  SECRET_NAME,
  SERVICE_ACCOUNT,
  UNNAMED_VERBS,
  API_GROUP,
  RESOURCE,
  namesCanLimit,
  URL_PATH,
  VERBS,
} from "./definition-accept.js";

export { RESERVED_NAMES, RESERVED_PATHS } from "./definition-accept.js";

/** Default `timeoutMs`. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default `http.bodyLimitBytes`: 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** Default `http.bodyTimeoutMs`: 10 s to send the body. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

const ENV_NAME_MESSAGE = "must be an environment variable name (letters, digits and _, not first a digit) that podfn, Node and its pod do not use (PORT, HOST, KUBECONFIG, LOG_LEVEL, POD_NAME, POD_NAMESPACE, PATH, HOME, PODFN_*, KUBERNETES_*, NODE_*)";

/** How a `schedule` or `watch` entry is written: its kind, its one required key, some others. */
interface EntryForm {
  kind: string;
  key: string;
  others: string;
}
const SCHEDULE_FORM: EntryForm = { kind: "schedule", key: "cron", others: "timeZone, input, mode, name" };
const WATCH_FORM: EntryForm = { kind: "watch", key: "resource", others: "namespace, events, labelSelector" };

/**
 * What a `schedule` or `watch` entry that is not an object should be (`alternative`: what the
 * field takes besides one entry): a bare string (`schedule: "0 * * * *"`, `watch: "pods"`) is
 * shown as the object it belongs in.
 */
function entryFormMessage(input: unknown, form: EntryForm, alternative = ""): string {
  const or = alternative ? `, ${alternative}` : "";
  if (typeof input === "string") return `write { ${form.key}: ${JSON.stringify(input)} }: a ${form.kind} is an object (${form.key}, and ${form.others}... if needed)${or}`;
  return `must be { ${form.key}: "..." } (and ${form.others}... if needed)${or}`;
}

/** The definition's zod schema: what decides and explains a definition `acceptsDefinition` does not accept. */
function buildDefinitionSchema() {
  const z = zod();
  const secretName = z.string().regex(SECRET_NAME, "must be a Secret name: lower case letters, digits, '-' and '.'");

  const permission = z.strictObject({
    apiGroups: z
      .array(
        z.string().refine((g) => API_GROUP.test(g), {
          // `core/pods` is how podfn list and kubectl's messages write the core group: RBAC writes it "".
          error: (issue) => (issue.input === "core" ? 'the core group is written "" in RBAC rules (apiGroups: [""]), though podfn list and kubectl show it as core' : 'must be an API group without its version: "" for the core group (pods, configmaps), "apps", "batch", "networking.k8s.io", or "*"'),
        }),
      )
      .min(1, 'list at least one API group ("" for core)'),
    resources: z
      .array(z.string().regex(RESOURCE, 'must be a resource as RBAC names it: a lower-case plural such as "pods" or "deployments" (not the kind), maybe with a subresource ("pods/log"), or "*"'))
      .min(1, "list at least one resource"),
    verbs: z.array(z.enum(VERBS, { error: `must be one of ${VERBS.join(", ")}` })).min(1, "list at least one verb"),
    resourceNames: z.array(z.string().min(1)).min(1, "list at least one name, or leave resourceNames out for every name").optional(),
    namespace: z
      .string()
      .refine((n) => n === "*" || NAMESPACE_NAME.test(n), 'must be a namespace name (a DNS label: lower case letters, digits and \'-\', at most 63 characters) or "*" for every namespace')
      .optional(),
  }).refine((rule) => !rule.resourceNames || namesCanLimit(rule.resources, rule.verbs), {
    path: ["resourceNames"],
    message: `cannot limit ${UNNAMED_VERBS.join(" or ")} of a resource (Kubernetes authorizes creating an object before there is a name; a subresource such as pods/eviction can be limited): put those verbs in a rule without resourceNames`,
  });

  const cidrMessage = "must be a CIDR, an address and a prefix length (140.82.112.0/20, 10.0.0.1/32, fd00::/8)";
  const portMessage = "must be a port number, 1 to 65535";
  const egressRule = z.strictObject({
    cidr: z.string({ error: (issue) => (issue.input === undefined ? 'is required: a CIDR such as "140.82.112.0/20"' : cidrMessage) }).refine(isEgressCidr, cidrMessage),
    ports: z
      .array(z.number({ error: portMessage }).refine(isPort, portMessage), { error: "must be a list of port numbers, e.g. [443], or left out for every port" })
      .min(1, "list at least one port, or leave ports out for every port")
      .optional(),
  }, { error: (issue) => (issue.code === "invalid_type" ? 'must be {cidr, ports?}, e.g. { cidr: "140.82.112.0/20", ports: [443] }' : undefined) });

  const auth = z.union(
    [
      z.literal("none"),
      z.strictObject({
        type: z.literal("bearer"),
        secret: secretName,
        env: z.string().regex(ENV_NAME, ENV_NAME_MESSAGE).optional(),
        header: z.string().regex(HEADER_NAME, "must be an HTTP header name (letters, digits, '-'), e.g. x-gitlab-token").optional(),
      }),
      z.strictObject({
        type: z.literal("hmac"),
        secret: secretName,
        scheme: z.enum(SIGNATURE_SCHEMES).optional(),
        header: z.string().regex(HEADER_NAME, "must be an HTTP header name (letters, digits, '-'), e.g. x-hub-signature-256").optional(),
        algorithm: z.enum(HMAC_ALGORITHMS).optional(),
        prefix: z.string().optional(),
        encoding: z.enum(HMAC_ENCODINGS).optional(),
        timestamp: z
          .strictObject({
            header: z.string().regex(HEADER_NAME, "must be an HTTP header name (letters, digits, '-'), e.g. x-slack-request-timestamp"),
            toleranceSeconds: z.number().int().min(1).max(86_400).optional(),
            signed: z
              .string()
              .refine((t) => t.split("{body}").length === 2 && t.includes("{timestamp}"), "must hold {body} once and {timestamp}, e.g. v0:{timestamp}:{body}")
              .optional(),
          })
          .optional(),
      }),
      z.strictObject({
        type: z.literal("serviceAccount"),
        allow: z.array(z.string().regex(SERVICE_ACCOUNT, "must read system:serviceaccount:NAMESPACE:NAME (or :* for a namespace)")).min(1),
        audiences: z.array(z.string().min(1)).optional(),
      }),
    ],
    { error: 'must be "none", {type: "bearer", secret}, {type: "hmac", secret} or {type: "serviceAccount", allow: [...]}' },
  );

  const http = z.strictObject({
    method: z.enum(HTTP_METHODS).optional(),
    path: z
      .string()
      .regex(URL_PATH, "must start with / and use only URL path characters")
      .refine((p) => !DOT_SEGMENT.test(p), 'must not have a "." or ".." segment (no request can reach it)')
      .refine((p) => !RESERVED_PATHS.includes(p), `is reserved (${RESERVED_PATHS.join(", ")})`)
      .optional(),
    auth: z.custom<unknown>((v) => v !== undefined, {
      error: 'is required: write auth: "none" to serve without caller authentication, or e.g. {type: "bearer", secret: "api-token"}',
    }).pipe(auth),
    bodyLimitBytes: z.number().int().positive().optional(),
    bodyTimeoutMs: z.number().int().positive().max(MAX_TIMEOUT_MS).optional(),
    async: z.boolean().optional(),
    maxInflight: z.number().int().positive().max(MAX_HTTP_INFLIGHT).optional(),
  });

  const scheduleEntry = z
    .strictObject({
      cron: z.string({ error: (issue) => `${issue.input === undefined ? "is required" : "must be a string"}: a cron expression such as "0 * * * *" (minute hour day-of-month month day-of-week)` }).min(1, 'must not be empty: a cron expression such as "0 * * * *"'),
      timeZone: z.string().min(1).optional(),
      input: z.unknown().optional(),
      concurrencyPolicy: z.enum(CONCURRENCY_POLICIES).optional(),
      startingDeadlineSeconds: z.number().int().positive().optional(),
      mode: z.enum(SCHEDULE_MODES).optional(),
      name: z
        .string()
        .regex(DNS_LABEL, "must be a DNS label (lower case letters, digits and '-')")
        .max(MAX_SCHEDULE_NAME_LENGTH, `must be at most ${MAX_SCHEDULE_NAME_LENGTH} characters: it ends the CronJob's name (<app>-<function>-<name>), which Kubernetes limits to 52`)
        .optional(),
    }, { error: (issue) => (issue.code === "invalid_type" ? entryFormMessage(issue.input, SCHEDULE_FORM) : undefined) })
    .superRefine((entry, ctx) => {
      const problem = validateCron(entry.cron, entry.timeZone, entry.mode === "in-process");
      // A zone's problem is the timeZone field's (validateCron names it first), not the expression's.
      if (problem) ctx.addIssue({ code: "custom", path: [problem.startsWith("timeZone ") ? "timeZone" : "cron"], message: problem });
    });

  const watchedTypeObject = z.strictObject({
    group: z.string().regex(API_GROUP, 'must be an API group without its version: "" for the core group, "apps", "example.com"').refine((g) => g !== "*", "must name one group"),
    version: z.string().regex(API_VERSION, 'must be an API version such as "v1" or "v1beta1"'),
    resource: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lower-case plural such as "widgets" (not the kind)'),
    namespaced: z.boolean({ error: "is required: true for a namespaced type, false for a cluster-scoped one" }),
    kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a Kind such as "Backup"').optional(),
  });
  const watchEntry = z
    .strictObject({
      resource: z.union([z.string().refine((r) => watchedType(r) !== undefined, { error: (issue) => unknownResourceMessage(String(issue.input)) }), watchedTypeObject], {
        error: `must name a built-in resource (${builtInWatchNames().slice(0, 6).join(", ")}, ...) or be {group, version, resource, namespaced}`,
      }),
      namespace: z
        .string()
        .refine((n) => n === "*" || NAMESPACE_NAME.test(n), 'must be a namespace name or "*" for every namespace')
        .optional(),
      labelSelector: z.string().min(1).optional(),
      fieldSelector: z.string().min(1).optional(),
      events: z.array(z.enum(WATCH_EVENTS, { error: `must be one of ${WATCH_EVENTS.join(", ")}` })).min(1, "list at least one event, or leave events out for all").optional(),
      concurrency: z.number().int("must be a whole number").min(1, "must be at least 1").max(MAX_WATCH_CONCURRENCY, `must be at most ${MAX_WATCH_CONCURRENCY}`).optional(),
      retries: z.number().int("must be a whole number").min(0, "must be 0 (never) or more").max(MAX_WATCH_RETRIES, `must be at most ${MAX_WATCH_RETRIES}`).optional(),
      coalesce: z.boolean().optional(),
      generationChanges: z.boolean().optional(),
      changed: z.custom<(object: unknown, previous: unknown) => boolean>((v) => typeof v === "function", { error: "must be a function (object, previous) => boolean" }).optional(),
      resyncSeconds: z.number().int("must be a whole number of seconds").min(1, "must be at least 1 (second)").max(MAX_WATCH_RESYNC_SECONDS, `must be at most ${MAX_WATCH_RESYNC_SECONDS} (a week)`).optional(),
      finalizer: z.string().refine(isOwnableFinalizer, 'must be a domain-qualified name such as "example.com/cleanup" (not a kubernetes.io one)').optional(),
      status: z
        .union([z.literal(true), z.strictObject({ condition: z.string().regex(CONDITION_TYPE, CONDITION_TYPE_MESSAGE).optional() })], {
          error: 'must be true (the condition "Ready") or {condition: "Synced"}',
        })
        .optional(),
      name: z.string().regex(WATCH_NAME, "must be lower case letters, digits, '-' and '.'").optional(),
    }, { error: (issue) => (issue.code === "invalid_type" ? entryFormMessage(issue.input, WATCH_FORM) : undefined) });

  const amounts = z.strictObject({
    cpu: z.string().regex(QUANTITY, 'must be a Kubernetes quantity of cores, such as "250m" (a quarter core) or "2"').optional(),
    memory: z.string().regex(QUANTITY, 'must be a Kubernetes quantity of bytes, such as "256Mi" or "1Gi"').optional(),
  });
  const resources = z.strictObject({ requests: amounts.optional(), limits: amounts.optional() }).superRefine((r, ctx) => {
    for (const name of requestsAboveLimits(r)) {
      ctx.addIssue({ code: "custom", path: ["requests", name], message: `${r.requests![name]} is more than limits.${name} ${r.limits![name]}: Kubernetes refuses a request above its limit` });
    }
  });

  // Strict: a misspelt key (`timeout`, `schedules`) is an error, not silently ignored.
  return z.strictObject({
    name: z.string().regex(DNS_LABEL, "must be a DNS label: lower case letters, digits and '-', starting and ending with a letter or digit").max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters (room for CronJob suffixes)`).refine((n) => !RESERVED_NAMES.includes(n), "is reserved: \"http\" names the HTTP workload's objects (<app>-http); choose another name"),
    description: z.string().optional(),
    input: z.custom<z.ZodType>(isZodSchema, { error: "must be a zod schema, e.g. z.object({...})" }).optional(),
    output: z.custom<z.ZodType>(isZodSchema, { error: "must be a zod schema" }).optional(),
    permissions: z.array(permission).optional(),
    egress: z.array(egressRule, { error: 'must be a list of {cidr, ports?}, e.g. [{ cidr: "140.82.112.0/20", ports: [443] }]' }).optional(),
    http: http.optional(),
    schedule: z.union([scheduleEntry, z.array(scheduleEntry).min(1, "list at least one entry, or leave schedule out")], { error: (issue) => entryFormMessage(issue.input, SCHEDULE_FORM, "or a list of them") }).optional(),
    watch: z.union([watchEntry, z.array(watchEntry).min(1, "list at least one entry, or leave watch out")], { error: (issue) => entryFormMessage(issue.input, WATCH_FORM, "or a list of them") }).optional(),
    admission: admissionZodSchema(z).optional(),
    workload: z
      .string()
      .regex(DNS_LABEL, "must be a DNS label: lower case letters, digits and '-', starting and ending with a letter or digit")
      .max(MAX_WORKLOAD_LENGTH, `must be at most ${MAX_WORKLOAD_LENGTH} characters (it names the workload's Deployment, ServiceAccount, Service and Lease: <app>-<workload>...)`)
      .refine((w) => w !== DEFAULT_WORKLOAD, `is the default workload's name (<app>-${DEFAULT_WORKLOAD}): leave workload out to run there`)
      .optional(),
    timeoutMs: z.number().int().positive().max(MAX_TIMEOUT_MS).optional(),
    kubeApi: z.boolean().optional(),
    env: z.array(z.string().regex(ENV_NAME, ENV_NAME_MESSAGE)).optional(),
    secrets: z.array(secretName).refine((names) => new Set(names).size === names.length, "names a Secret twice").optional(),
    resources: resources.optional(),
    onShutdown: z.custom<() => unknown>((v) => typeof v === "function", { error: "must be a function" }).optional(),
    handler: z.custom<() => unknown>((v) => typeof v === "function", { error: "is required: async handler(ctx) { ... }" }),
  });
}

type Definition = z.output<ReturnType<typeof buildDefinitionSchema>>;
let definitionSchema: ReturnType<typeof buildDefinitionSchema> | undefined;

/** The definition's zod schema, built on first need (the reference `acceptsDefinition` is tested against). */
export function definitionZodSchema(): ReturnType<typeof buildDefinitionSchema> {
  return (definitionSchema ??= buildDefinitionSchema());
}

let emptyInput: z.ZodType | undefined;

/** The input schema of a function that declares none, `z.object({})`: one per process, made on first read. */
export function emptyInputSchema(): z.ZodType {
  return (emptyInput ??= zod().object({}));
}

/**
 * Why `schema` refuses `{}` (or `value`), if it does (an asynchronous schema is not judged
 * here). A copy is judged: a transform that changes what it is given must not change a
 * schedule's own input before its first run.
 */
function inputRefusesEmpty(schema: z.ZodType, value: unknown = {}): string | undefined {
  try {
    const copy = copyPlain(value);
    const result = schema.safeParse(copy);
    if (result.success) return undefined;
    const first = result.error.issues[0];
    // A strict object's unknown keys named as a call's are, with the field each likely meant.
    return first ? inputIssues(first, schema, copy).map((i) => `${i.path || "input"}: ${i.message}`).join("; ") : "invalid";
  } catch {
    return undefined;
  }
}

type Issue = { code: string; path: PropertyKey[]; message: string; errors?: Issue[][]; keys?: string[] };

/** `unknown key "fieldSelctor": did you mean "fieldSelector"?`, from the keys the object at `path` takes. */
function unknownKeyMessage(key: string, path: PropertyKey[]): string {
  const at = path.filter((p) => typeof p === "string").join(".");
  const all = [...(KEYS_BY_PATH[at] ?? [])];
  // A key another kind of this object takes (`allow` in an hmac auth): say so, suggest nothing.
  if (all.includes(key)) return `unknown key "${key}" (not taken by this kind of ${at.split(".").pop()})`;
  const known = all;
  const close = closestName(key, known, 1);
  return close ? `unknown key "${key}": did you mean "${close}"?` : `unknown key "${key}"${known.length ? ` (it takes ${known.join(", ")})` : ""}`;
}

/** `must be one of "bearer", "hmac", "serviceAccount"`. */
function unknownTypeMessage(types: unknown[]): string {
  return `must be one of ${types.map((t) => JSON.stringify(t)).join(", ")}`;
}

/**
 * zod's issues with each union's "Invalid input" replaced by the issues of the option the value
 * was meant for (the one that did not refuse its type outright): `schedule: {...}` or `[...]`
 * are told what is wrong inside, not only that neither form fits.
 */
function explainIssues(issues: readonly Issue[], base: PropertyKey[] = []): { path: PropertyKey[]; message: string }[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    let meant = issue.code === "invalid_union" ? issue.errors?.filter((option) => !option.some((i) => (i.code === "invalid_type" || i.code === "invalid_value") && i.path.length === 0)) : undefined;
    // Objects told apart by `type` (the auth modes): the one whose `type` was written, or, when
    // none has it, the types there are.
    const typeIssues = meant?.map((option) => option.find((i) => i.path.length === 1 && i.path[0] === "type" && i.code === "invalid_value"));
    if (meant && typeIssues && meant.length > 1) {
      const typed = meant.filter((_, n) => !typeIssues[n]);
      if (typed.length === 1) meant = typed;
      else if (typed.length === 0) return [{ path: [...path, "type"], message: unknownTypeMessage(typeIssues.flatMap((i) => (i as { values?: unknown[] }).values ?? [])) }];
    }
    if (meant?.length === 1) return explainIssues(meant[0]!, path);
    if (issue.code === "unrecognized_keys" && issue.keys) return issue.keys.map((key) => ({ path, message: unknownKeyMessage(key, path) }));
    return [{ path, message: issue.message }];
  });
}

/**
 * The problem of a `workload` on a function only CronJobs run (schedules, none `in-process`; no
 * http, watch or admission): no Deployment serves it, and each CronJob has its own ServiceAccount,
 * so the name would mean nothing. Judged on what was written, as the other problems across fields.
 */
function cronJobOnlyWorkload(written: Record<string, unknown>): string | undefined {
  if (written.workload === undefined || written.schedule === undefined) return undefined;
  if (written.http !== undefined || written.watch !== undefined || written.admission !== undefined) return undefined;
  const entries = Array.isArray(written.schedule) ? (written.schedule as unknown[]) : [written.schedule];
  if (entries.some((e) => isPlainObject(e) && (e as { mode?: unknown }).mode === "in-process")) return undefined;
  return "workload: this function only runs as CronJobs, each with a ServiceAccount of its own, and no Deployment serves it: remove workload, or add http, watch or an in-process schedule for the workload to serve";
}

/**
 * Check a definition and resolve its defaults. Returns the loaded function, or the list of
 * problems, each naming its field (`http.auth: is required: ...`).
 */
export function resolveDefinition(fn: PodfnFunction, file: string): { ok: true; fn: LoadedFunction } | { ok: false; problems: string[] } {
  let d: Definition;
  // Problems across fields, judged on what was written: told with zod's, not after them.
  const written = fn as { watch?: unknown; input?: unknown; http?: unknown; permissions?: unknown };
  const across = written.watch === undefined ? [] : watchEntryProblems(written.watch).map(([path, message]) => `${path}: ${message}`);
  for (const [path, message] of permissionProblems(written.permissions)) across.push(`${path}: ${message}`);
  for (const [path, message] of admissionProblems(fn as unknown as Record<string, unknown>)) across.push(`${path}: ${message}`);
  const http = written.http as { method?: unknown; auth?: { type?: unknown } } | undefined;
  // HMAC signs the body: a GET's input is its query, which the signature would not cover.
  if (http && typeof http === "object" && http.method === "GET" && http.auth && typeof http.auth === "object" && http.auth.type === "hmac") {
    across.push("http.auth: hmac signs the request body, and a GET has none: its query (the input) would go unsigned; use POST, or bearer or serviceAccount auth");
  }
  const hmac = http && typeof http === "object" && http.auth && typeof http.auth === "object" && http.auth.type === "hmac" ? (http.auth as Record<string, unknown>) : undefined;
  if (hmac?.scheme !== undefined) {
    const own = ["header", "algorithm", "prefix", "encoding", "timestamp"].filter((key) => hmac[key] !== undefined);
    if (own.length) across.push(`http.auth: scheme ${JSON.stringify(hmac.scheme)} sets the headers and what is signed itself: remove ${own.join(", ")}`);
  }
  const cronJobOnly = cronJobOnlyWorkload(fn as unknown as Record<string, unknown>);
  if (cronJobOnly) across.push(cronJobOnly);
  const refused = written.watch !== undefined && isZodSchema(written.input) ? inputRefusesEmpty(written.input as z.ZodType) : undefined;
  if (refused) across.push(`input: a watch calls the function with the input {} (the change is ctx.trigger), which its schema refuses (${refused}): make the fields optional or give them defaults`);
  if (acceptsDefinition(fn)) d = fn as unknown as Definition;
  else {
    const result = definitionZodSchema().safeParse(fn);
    if (!result.success) {
      const problems = explainIssues(result.error.issues).map((i) => `${issuePath(i.path) || "definition"}: ${i.message}`);
      return { ok: false, problems: [...new Set([...problems, ...across])] };
    }
    d = result.data;
  }
  if (across.length) return { ok: false, problems: across };
  if (!d.http && !d.schedule && !d.watch && !d.admission) {
    return { ok: false, problems: ["declares no `http`, `schedule`, `watch` or `admission`: add one so the function can be called"] };
  }
  const entries = d.schedule === undefined ? [] : Array.isArray(d.schedule) ? d.schedule : [d.schedule];
  const names = entries.map((e, i) => e.name ?? String(i));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) return { ok: false, problems: [`schedule: two entries are named "${dup}": give each a distinct name`] };
  // A schedule's input is fixed (`{}` when it gives none): one the schema refuses would fail
  // every run (exit 2, which the CronJob's podFailurePolicy fails the Job on), found only when
  // the first tick comes.
  // A schedule's input asking for a dry run would be stripped and every run made for real.
  const dryRuns = entries.flatMap((e, i) => {
    const key = isPlainObject(e.input) ? undeclaredDryRunKey(d.input as object | undefined, e.input) : undefined;
    const at = Array.isArray(d.schedule) ? `schedule[${i}].input` : "schedule.input";
    return key === undefined ? [] : [`${at}.${key}: is not an input field of this function, and a scheduled run is never a dry run (podfn run --dry-run makes one by hand)`];
  });
  if (dryRuns.length) return { ok: false, problems: dryRuns };
  if (isZodSchema(d.input)) {
    const refusals = entries.flatMap((e, i) => {
      const why = inputRefusesEmpty(d.input as z.ZodType, e.input ?? {});
      const at = Array.isArray(d.schedule) ? `schedule[${i}]` : "schedule";
      if (!why) return [];
      if (e.input !== undefined) return [`${at}.input: the function's input schema refuses it (${why})`];
      return [`${at}: gives no input, so each run gets {}, which the function's input schema refuses (${why}): give the schedule an input, or make those fields optional or give them defaults`];
    });
    if (refusals.length) return { ok: false, problems: refusals };
  }
  // The default route is the name's: one of the operations' paths would fail at serve only.
  if (d.http && d.http.path === undefined && RESERVED_PATHS.includes(`/${d.name}`)) {
    return { ok: false, problems: [`name: "${d.name}" would be served at /${d.name}, which is reserved for operations (${RESERVED_PATHS.join(", ")}): set http.path, or rename the function`] };
  }
  const watches = (d.watch === undefined ? [] : Array.isArray(d.watch) ? d.watch : [d.watch]).map((w) => loadWatch(w as WatchTrigger));
  const loaded: LoadedFunction = {
    definition: fn,
    file,
    name: d.name,
    input: d.input as z.ZodType,
    timeoutMs: d.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    permissions: d.permissions ?? [],
    egress: d.egress ?? [],
    env: d.env ?? [],
    secrets: d.secrets ?? [],
    ...(d.resources ? { resources: { ...(d.resources.requests ? { requests: { ...d.resources.requests } } : {}), ...(d.resources.limits ? { limits: { ...d.resources.limits } } : {}) } } : {}),
    schedules: entries.map((e, i) => ({
      ...e,
      name: names[i]!,
      mode: e.mode ?? "cronjob",
      concurrencyPolicy: e.concurrencyPolicy ?? "Forbid",
      input: e.input ?? {},
    })),
    watches,
    ...(d.workload !== undefined ? { workload: d.workload } : {}),
  };
  // An admission webhook's calls are due before the API server gives up on them (admission/definition).
  if (d.admission) {
    loaded.admission = loadAdmission(d.admission as AdmissionTrigger, d.name);
    loaded.timeoutMs = loaded.admission.deadlineMs;
  }
  // No declared input: `z.object({})`, built when first read (invoke does not, see `declaresNoInput`).
  if (d.input === undefined) Object.defineProperty(loaded, "input", { get: emptyInputSchema, enumerable: true, configurable: true });
  if (d.http) {
    loaded.http = {
      method: d.http.method ?? "POST",
      path: d.http.path ?? `/${d.name}`,
      bodyLimitBytes: d.http.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
      bodyTimeoutMs: d.http.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
      ...(d.http.async ? { async: true } : {}),
      ...(d.http.maxInflight !== undefined ? { maxInflight: d.http.maxInflight } : {}),
      auth: d.http.auth as NonNullable<LoadedFunction["http"]>["auth"],
    };
  }
  return { ok: true, fn: loaded };
}
