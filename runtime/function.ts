/**
 * @module function
 * `defineFunction` and the types a function author writes against. A definition is plain data
 * plus a handler; the loader validates it (see `definition-schema.ts`), the HTTP, cron and watch
 * adapters run it, and `podfn manifests` turns its `permissions`, `http`, `schedule` and
 * `watch` into Kubernetes objects.
 */
import type { z } from "zod";
import type { Logger } from "pino";
import type { KubeClient, KubeObject, ResourceType } from "./kube/api.js";
import type { WatchedObjectOf, WatchedObjectType, WatchEntriesOf, WatchEntryType } from "./watch/object-types.js";
import type { InferredSchedule, ScheduleNames, ScheduleNamesOf } from "./schedule/entry-names.js";
import type { AdmissionFunctionDefinition, AdmissionResource, AdmissionRule, AdmissionTrigger, AdmissionWebhookType, LoadedAdmission } from "./admission/types.js";
import { checkedRequeueAfter } from "./watch/requeue-after.js";

/**
 * A verb a `PermissionRule` may grant: `"*"` is every one of them. `bind`, `escalate` and
 * `impersonate` are never granted to a function.
 */
export type PermissionVerb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection" | "approve" | "sign" | "*";

/**
 * One RBAC rule a function needs; the manifests grant exactly these (a Role in the function's
 * namespace, or the one `namespace` names; a ClusterRole for `"*"`).
 *
 * @example
 * { apiGroups: ["apps"], resources: ["deployments", "deployments/scale"], verbs: ["get", "patch"], resourceNames: ["web"] }
 */
export interface PermissionRule {
  /** API groups without their version, `""` for core (`["apps"]`, `["", "batch"]`). */
  apiGroups: string[];
  /** Resources as RBAC names them (plural, lower case), with subresources as `deployments/scale`, `pods/log`. */
  resources: string[];
  /**
   * At least one of get, list, watch, create, update, patch, delete, deletecollection, or `"*"`
   * for all of them; `approve` and `sign` only on `signers` in `certificates.k8s.io` (named by
   * signerName, or `example.com/*`), as a CSR approver or signer needs.
   */
  verbs: PermissionVerb[];
  /**
   * Restrict to these object names (at least one). Cannot limit `create` or `deletecollection`
   * of a resource (only of a subresource such as `pods/eviction`): Kubernetes authorizes those
   * before there is a name.
   */
  resourceNames?: string[];
  /** Another namespace than the function's own, or `"*"` for every namespace (a ClusterRole). */
  namespace?: string;
}

/**
 * Where a function's pods connect outside the cluster's API server: a CIDR and, optionally, the
 * TCP ports there (all ports when absent). `podfn manifests --network-policy --egress-cidrs`
 * allows the pods of each workload the union of its functions' egress, and no more.
 *
 * @example
 * { cidr: "140.82.112.0/20", ports: [443] }
 */
export interface EgressRule {
  /** An IPv4 or IPv6 CIDR (`140.82.112.0/20`, `10.0.0.1/32`, `fd00::/8`). */
  cidr: string;
  /** TCP ports, each 1–65535 (at least one); absent: every port and protocol. */
  ports?: number[];
}

/** No caller authentication; must be written out. */
export type NoAuth = "none";

/** `Authorization: Bearer <token>` compared in constant time with a secret. */
export interface BearerAuth {
  /** Bearer token authentication. */
  type: "bearer";
  /** Name of the secret: the file `$PODFN_SECRETS_DIR/<secret>`. */
  secret: string;
  /** Read the token from this environment variable instead of the file. */
  env?: string;
  /**
   * Take the token from this header, as it is, instead of `Authorization: Bearer <token>`:
   * GitLab's `X-Gitlab-Token`, Grafana's or any webhook sender's shared-token header.
   */
  header?: string;
}

/** A signature of the raw body, e.g. GitHub's `X-Hub-Signature-256: sha256=<hex>`. */
export interface HmacAuth {
  /** HMAC signature authentication. */
  type: "hmac";
  /** Name of the secret holding the HMAC key (file `$PODFN_SECRETS_DIR/<secret>`). */
  secret: string;
  /**
   * A sender's whole scheme, instead of `header`, `algorithm`, `prefix`, `encoding` and
   * `timestamp`: `"stripe"` (`Stripe-Signature: t=...,v1=...`, the secret the endpoint's
   * `whsec_...` as written) or `"standard-webhooks"` (standardwebhooks.com, Svix: `webhook-id`,
   * `webhook-timestamp`, `webhook-signature: v1,<base64>`, or the `svix-*` headers; the secret
   * `whsec_<base64>`). Both take any of several signatures (a secret being rolled) and refuse a
   * timestamp more than 300 s from the server's clock.
   */
  scheme?: "stripe" | "standard-webhooks";
  /** Header carrying the signature: a header name (letters, digits, `-`), any case. Default: `x-hub-signature-256`. */
  header?: string;
  /** Default: `sha256`. */
  algorithm?: "sha1" | "sha256" | "sha512";
  /** Text before the digest in the header. Default: `"<algorithm>="`. */
  prefix?: string;
  /** Encoding of the digest. Default: `hex`. */
  encoding?: "hex" | "base64";
  /**
   * A signed timestamp against replays, as Slack signs its requests: the header holding the
   * request's time in Unix seconds (`x-slack-request-timestamp`), how far from the server's
   * clock it may be, and what the HMAC is then of instead of the body alone.
   */
  timestamp?: {
    header: string;
    /** Default 300 (Slack's advice). */
    toleranceSeconds?: number;
    /** What is signed, `{timestamp}` and `{body}` filled in. Default: Slack's `v0:{timestamp}:{body}`. */
    signed?: string;
  };
}

/** The caller's Kubernetes ServiceAccount token, checked with a TokenReview. */
export interface ServiceAccountAuth {
  /** Kubernetes ServiceAccount token authentication. */
  type: "serviceAccount";
  /** Identities allowed to call, `system:serviceaccount:NS:NAME` (`system:serviceaccount:NS:*` for a whole namespace). */
  allow: string[];
  /** Audiences the token must carry. Default: the API server's. */
  audiences?: string[];
}

/**
 * How an HTTP caller is authenticated: `"none"` (written out on purpose), a bearer token, an
 * HMAC signature of the body (webhooks), or a Kubernetes ServiceAccount token.
 */
export type HttpAuth = NoAuth | BearerAuth | HmacAuth | ServiceAccountAuth;

/** The methods a function's route may serve. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Expose the function as an HTTP route of the HTTP Deployment: the body (or a GET's query) is
 * the input, the result the JSON answer.
 *
 * @example
 * http: { method: "POST", path: "/hooks/github", auth: { type: "hmac", secret: "github-webhook-secret", header: "x-hub-signature-256" } }
 */
export interface HttpTrigger {
  /** Default `POST`. GET functions take their input from the query string. */
  method?: HttpMethod;
  /** Default `/<name>`. Must start with `/`; `/healthz`, `/readyz` and `/metrics` are the server's. */
  path?: string;
  /** Caller authentication. Required: write `"none"` to serve without any. */
  auth: HttpAuth;
  /** Largest accepted body in bytes. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Milliseconds a caller has to send the whole body (then 408). Default 10000, at most a day. */
  bodyTimeoutMs?: number;
  /**
   * Answer `202 Accepted` (`{"accepted": true, "requestId"}`) as soon as the caller is
   * authenticated and the input valid, then run the handler in the background: for senders that
   * give up after a few seconds (GitHub waits 10) while the work takes longer. Bad input is
   * still a 400 and an unauthenticated caller a 401, before anything runs. The call keeps its
   * `timeoutMs`, signal and dry-run mode, counts against `--max-inflight` until it ends, and is
   * waited for on shutdown like any call; its result goes nowhere: its outcome is counted in
   * `podfn_invocations_total` and logged (`background call finished`, with the request id). It
   * lives in the process only: a pod killed before it ends loses it (make the handler
   * idempotent, so the sender's retry or a schedule can do it again). Default false.
   */
  async?: boolean;
  /**
   * Calls of this function running at once (its `async` ones until they end), at most 100000;
   * past it callers get 429 with `Retry-After`, so one busy route cannot take every
   * `--max-inflight` slot from the others. Default: only `--max-inflight` limits it.
   */
  maxInflight?: number;
}

/**
 * Run the function on a cron schedule: as a Kubernetes CronJob (default) running `podfn run`,
 * or in the HTTP Deployment's leader replica (`mode: "in-process"`).
 *
 * @example
 * schedule: [
 *   { name: "evening", cron: "0 19 * * 1-5", timeZone: "Europe/Paris", input: { replicas: 0 } },
 *   { name: "morning", cron: "0 7 * * 1-5", timeZone: "Europe/Paris", input: { replicas: 2 } },
 * ]
 *
 * @typeParam Name - what `name` may be (`defineFunction` infers the names as written).
 */
export interface ScheduleEntry<Name extends string = string> {
  /** Five-field cron expression, e.g. `"0 * * * *"`. */
  cron: string;
  /** IANA time zone, e.g. `"Europe/Paris"`. Default: UTC. */
  timeZone?: string;
  /** Input passed to the function on this schedule. Default `{}`. */
  input?: unknown;
  /** A run due while the previous one still runs: `Forbid` (default) skips it, `Allow` runs both, `Replace` stops the previous and runs the new one. */
  concurrencyPolicy?: "Allow" | "Forbid" | "Replace";
  /** Skip a run that could not start within this many seconds of its time (a positive integer). Default: never skipped. */
  startingDeadlineSeconds?: number;
  /** `cronjob` (default): a Kubernetes CronJob. `in-process`: fired by the leader replica of the HTTP Deployment. */
  mode?: "cronjob" | "in-process";
  /**
   * Distinguishes several schedules of one function in logs and CronJob names
   * (`<app>-<function>-<name>`): a DNS label of at most 10 characters, distinct among the
   * function's schedules. Default: the entry's index (`"0"`, `"1"`, ...).
   */
  name?: Name;
}

/**
 * A resource as a watch names it: what `kube.resource()` takes, the kind optional (so one
 * constant can name a type for both: a `ResourceType<Backup>` also types the watch's
 * `trigger.object` as a `Backup`).
 */
export interface WatchedResourceType {
  /** API group; `""` for the core group. */
  group: string;
  /** API version, e.g. `"v1"`. */
  version: string;
  /** Plural lower-case resource name, as in URLs and RBAC rules. */
  resource: string;
  /** Whether objects live in a namespace. */
  namespaced: boolean;
  /** The kind (not needed to watch; accepted so a `kube.resource()` type can be given as is). */
  kind?: string;
}

/** The kinds of change a watch can call a function for. */
export type WatchEventName = "ADDED" | "MODIFIED" | "DELETED";

/**
 * The event of a watch call: a change, `RESYNC` (a periodic call about an object that exists:
 * `resyncSeconds`), `REQUEUE` (the call a previous call about the object asked for with
 * `requeueAfter`), or `FINALIZE` (an object holding the watch's `finalizer` is being deleted).
 */
export type WatchCallEvent = WatchEventName | "RESYNC" | "REQUEUE" | "FINALIZE";

/**
 * Call the function for changes to Kubernetes objects, as an informer sees them: every object
 * that exists when the watch starts comes as `ADDED`, then each change as it happens; a
 * reconnection that missed changes replays them as the differences it finds. Calls about one
 * object are made one at a time, in order. Runs in the HTTP Deployment's leader replica (the
 * same Lease as in-process schedules); `podfn dev` runs every watch.
 *
 * @typeParam R - its `resource`, as `defineFunction` infers it to type the handler's
 * `trigger.object` (see `WatchedObjectType`).
 */
export interface WatchTrigger<R extends string | WatchedResourceType = string | WatchedResourceType> {
  /**
   * What to watch: a built-in resource as RBAC names it with its group (`pods`, `namespaces`,
   * `jobs.batch`, `deployments.apps`, `leases.coordination.k8s.io`; the handler's
   * `trigger.object` is then its `kubernetes-types` type: `Pod`, `Namespace`, `Job`, ...), or
   * any other type as `{group, version, resource, namespaced}` (a `ResourceType<Backup>` types
   * `trigger.object` as a `Backup`; an untyped one as a `KubeObject`).
   */
  resource: R;
  /** Namespace to watch, or `"*"` for every namespace (a ClusterRole). Default: the function's. Not for cluster-scoped resources. */
  namespace?: string;
  /** e.g. `app=web`. */
  labelSelector?: string;
  /** e.g. `status.phase=Failed`. */
  fieldSelector?: string;
  /** The changes that call the function. Default: all three. */
  events?: WatchEventName[];
  /** Most calls in flight at once (about different objects). Default 4. */
  concurrency?: number;
  /**
   * Times a failed call (the handler threw; not a timeout: it may still run) is made again with the same event,
   * after 1 s, 2 s, 4 s … (at most a minute), unless a newer change of the object is queued by
   * then (its call has the newer object). Default 3; 0: never.
   */
  retries?: number;
  /**
   * Call only an object's latest change: a call still waiting for its turn (behind a running call
   * about the same object) is skipped when a newer change of that object is queued, and the
   * newer call has the newer event and object, as a workqueue of keys would. For handlers that
   * act on an object's current state (most do); leave it off when every event matters (counting
   * restarts, acting on `ADDED` alone while also taking `MODIFIED`). Default false.
   */
  coalesce?: boolean;
  /**
   * Call on `MODIFIED` only when the object's `metadata.generation` changed (controller-runtime's
   * GenerationChangedPredicate): a change of the spec, for resources that count generations
   * (custom resources, Deployments, Jobs...); a status, label or annotation edit calls nothing.
   * An object without a generation (ConfigMaps, Secrets, Pods on 1.32) is called for every
   * change, as without it. `ADDED`, `DELETED`, `RESYNC` and `FINALIZE` calls are as they are, and
   * a finalizer is still added and removed. Default false.
   */
  generationChanges?: boolean;
  /**
   * Call on `MODIFIED` only when this says the change matters: given the object as changed and
   * as it was at its previous event (both typed as `trigger.object`), it returns false for a
   * change that does not (anything else calls), as kopf's `when=`/`field=` or a
   * controller-runtime predicate filters. For changes
   * `generationChanges` cannot tell apart: a label or an annotation (`(o, p) =>
   * o.metadata?.labels?.tier !== p.metadata?.labels?.tier`), a Pod's phase, a ConfigMap's data.
   * Keep it pure and quick: it runs for every `MODIFIED` as it is read. One that throws calls
   * the function (a change is never lost to a filter's bug) and is logged at warn. With
   * `generationChanges` too, both must pass. `ADDED`, `DELETED`, `RESYNC`, `REQUEUE` and
   * `FINALIZE` are called as ever, and a finalizer is still added and removed. Default: every
   * change calls.
   *
   * @example
   * watch: { resource: "pods", changed: (pod, before) => pod.status?.phase !== before.status?.phase }
   */
  changed?: (object: WatchedObjectType<R>, previous: WatchedObjectType<R>) => boolean;
  /**
   * Call the function again for every object the watch knows, every this many seconds, with the
   * event `RESYNC` and the object's latest known state (whatever `events` says): for handlers
   * whose decision changes with time alone (an age, a deadline) or that should mend what a
   * failed call left. An object with a call queued, running or waiting to retry is passed over
   * (that call sees its state). Default: never. At least 1, at most 604800 (a week).
   */
  resyncSeconds?: number;
  /**
   * A finalizer the watch keeps on every object it sees (`example.com/cleanup`: a domain-qualified
   * name), so that deleting one waits for the function: it is called with the event `FINALIZE`
   * (whatever `events` says) and the finalizer is removed once the call succeeds; a call that
   * throws is made again, the pause growing to a minute, until it succeeds. The watch adds it
   * before the object's first call, and needs `get` and `patch` of the resource for that
   * (granted with `list` and `watch`). No other watch may keep the same finalizer on the same
   * resource (refused as the functions load). Default: none.
   */
  finalizer?: string;
  /**
   * Report each call in the watched object's `status` (a custom resource with a status
   * subresource): after a call about an object (`ADDED`, `MODIFIED`, `RESYNC`; not `DELETED` nor
   * `FINALIZE`: the object is going) that succeeded, its `status.conditions` has the condition
   * of this type (`true`: `Ready`) with `status: "True"`, `reason: "Succeeded"`, the call's
   * `metadata.generation` as `observedGeneration`, and `status.observedGeneration` is set to it;
   * a call that failed for good (no retries left, or timed out) writes `status: "False"`,
   * `reason: "CallFailed"` (`"Timeout"`) and the error's message. A handler chooses another
   * status, reason or message by returning `condition({...})`. Other conditions and status
   * fields are left as they are; nothing is written when nothing changes, and the watch's own
   * write calls nothing. Needs `patch` of `<resource>/status` (granted with the watch's rights);
   * a write refused (no status subresource, or denied) is warned about once, and a call tries
   * again a minute later (the fix needs no restart). Default: none.
   *
   * @example
   * status: { condition: "Synced" }
   */
  status?: true | { condition?: string };
  /** Names the watch in logs. Default: the resource (`pods`, `jobs.batch`). */
  name?: string;
}

/**
 * How a call came in. A watch call is one member per watch entry, so that checking
 * `trigger.watch` (the entry's `name`, default its resource) narrows `trigger.object` to that
 * entry's type; an entry whose name is only a `string` stays in every such branch.
 *
 * @typeParam O - the type of a watch call's `object`: what the function's watches name (one
 * entry's type, or the union of several entries'), as `defineFunction` infers it.
 * @typeParam W - each watch entry's name and object type (a union of `WatchEntryType`), as
 * `defineFunction` infers it. Default: one entry of any name whose objects are `O`s.
 */
export type Trigger<O extends KubeObject = KubeObject, W extends WatchEntryType = WatchEntryType<string, O>> =
  | { type: "http"; method: string; path: string; headers: Headers }
  | {
      type: "schedule";
      schedule: string;
      /**
       * The tick's scheduled time, for an in-process schedule: a tick caught up late (missed while
       * no replica led, within `startingDeadlineSeconds`) carries the time it was due, not now.
       * Absent under `podfn run` (a CronJob's run) and a test's `fireSchedule`.
       */
      scheduledAt?: Date;
    }
  | WatchCallTrigger<W>
  | { type: "run" };

/** A watch call's trigger, one member per entry of `W`. */
type WatchCallTrigger<W extends WatchEntryType> = W extends WatchEntryType ? { type: "watch"; watch: W["watch"]; event: WatchCallEvent; object: W["object"] } : never;

/**
 * What every handler receives.
 *
 * @typeParam Input - the parsed input.
 * @typeParam O - the type of a watch call's `trigger.object` (see `Trigger`).
 * @typeParam W - each watch entry's `trigger.watch` and `trigger.object` (see `Trigger`).
 */
export interface FunctionContext<Input, O extends KubeObject = KubeObject, W extends WatchEntryType = WatchEntryType<string, O>> {
  /** The input, parsed and defaulted by the function's schema. */
  input: Input;
  /** Kubernetes client authenticated as the pod's ServiceAccount; honours `signal` and `dryRun`. */
  kube: KubeClient;
  /** The function's namespace (the pod's). */
  namespace: string;
  /** Structured logger carrying the request id and function name. */
  log: Logger;
  /** Aborted on timeout and on shutdown. Pass it to anything slow. */
  signal: AbortSignal;
  /** True when writes are server-side dry runs (`podfn run --dry-run`, or `?dryRun=true` over HTTP). */
  dryRun: boolean;
  /** Id of this call (from `X-Request-Id` or generated). */
  requestId: string;
  /** How the call came in. */
  trigger: Trigger<O, W>;
  /**
   * The value of the Secret `name` the function declares in `secrets` (read again after it
   * changes; censored from logs). Throws `SecretMissingError` (code `secret_missing`: a 500)
   * for a name not declared, or a Secret not there.
   */
  secret(name: string): string;
}

/** Returned by a handler to choose the HTTP status and headers. */
export interface Reply {
  readonly [replyBrand]: true;
  /** HTTP status, 200 to 599 (`podfn run` exits 1 for 400 and above). */
  status: number;
  /** Sent as JSON; `undefined` sends no body. */
  body: unknown;
  /** Extra response headers (not the framing ones: the server sets those). */
  headers: Record<string, string>;
}
const replyBrand: unique symbol = Symbol.for("podfn.reply");

/**
 * Answer with a status of your choosing.
 *
 * @example
 * return reply(202, { ignored: true, reason: "not a push event" });
 */
export function reply(status: number, body?: unknown, headers: Record<string, string> = {}): Reply {
  return { [replyBrand]: true, status, body, headers };
}

/**
 * What a watch call with `status` reports in its object's condition, instead of `status: "True"`,
 * `reason: "Succeeded"` and no message: what `condition()` returns.
 */
export interface ConditionReport {
  readonly [conditionBrand]: true;
  /** Default `"True"`. */
  status: "True" | "False" | "Unknown";
  /**
   * CamelCase, as Kubernetes wants a condition's reason (`TargetMissing`; letters, digits, `_`,
   * `,` and `:`, at most 1024 characters). Default: `Succeeded` for `"True"`, `Failed` for
   * `"False"`, `Unknown` for `"Unknown"` (also what replaces a reason Kubernetes would refuse,
   * with an error logged).
   */
  reason?: string;
  /** For people; cut to 32768 characters. Default: none. */
  message?: string;
  /**
   * Seconds after which the watch calls the function again for this object (event `REQUEUE`,
   * with its latest state), unless a later call about it decides otherwise: above 0 (fractions
   * allowed), at most 604800 (a week). Default: none.
   */
  requeueAfter?: number;
}
const conditionBrand: unique symbol = Symbol.for("podfn.condition");

/**
 * Return it from a watch call to choose the condition its `status` reports, and (`requeueAfter`)
 * to be called again for the object after that many seconds (for another trigger it is a plain
 * result). Throws `RequeueAfterError` (`invalid_requeue_after`) for a `requeueAfter` that is not
 * above 0 and at most 604800.
 *
 * @example
 * if (!target) return condition({ status: "False", reason: "TargetMissing", message: `no database ${spec.target}` });
 * if (!finished(job)) return condition({ status: "Unknown", reason: "JobRunning", requeueAfter: 30 });
 */
export function condition(report: { status?: "True" | "False" | "Unknown"; reason?: string; message?: string; requeueAfter?: number }): ConditionReport {
  return {
    [conditionBrand]: true,
    status: report.status ?? "True",
    ...(report.reason !== undefined ? { reason: report.reason } : {}),
    ...(report.message !== undefined ? { message: report.message } : {}),
    ...(report.requeueAfter !== undefined ? { requeueAfter: checkedRequeueAfter(report.requeueAfter) } : {}),
  };
}

/**
 * Return it from a watch call to be called again for the object after `seconds` (above 0,
 * fractions allowed; at most 604800, a week), with the event `REQUEUE` and the object's latest
 * state, as controller-runtime's `Result{RequeueAfter}`: `condition({ requeueAfter: seconds })`
 * (a `status` reports the call as succeeded). A later call about the object that succeeds
 * decides again (asking anew, or not); its deletion and the watch's end cancel it. Throws
 * `RequeueAfterError` (`invalid_requeue_after`) for a delay out of bounds.
 *
 * @example
 * if (!expired(object)) return requeueAfter(secondsLeft(object));
 */
export function requeueAfter(seconds: number): ConditionReport {
  return condition({ requeueAfter: seconds });
}

/** Whether `value` is what `condition()` returns. */
export function isConditionReport(value: unknown): value is ConditionReport {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[conditionBrand] === true;
}

/** Whether `value` is what `reply()` returns. */
export function isReply(value: unknown): value is Reply {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[replyBrand] === true;
}

/**
 * What `defineFunction` takes: a name, how the function is triggered (`http`, `schedule`,
 * `watch`; any together, or none to run it only with `podfn run`), what it may do in the cluster
 * (`permissions`), its input schema and its handler. Checked as the function loads: a problem is
 * reported with the field and the fix.
 *
 * @typeParam S - the zod schema of the input; the handler's `input` is its output type.
 * @typeParam Output - the handler's result, checked against `output` when given.
 * @typeParam O - the type of a watch call's `trigger.object`; `defineFunction` infers it from
 * `watch` (a built-in resource's `kubernetes-types` type, a `ResourceType<T>`'s `T`).
 * @typeParam W - each watch entry's name and object type (see `Trigger`); `defineFunction`
 * infers it from `watch`.
 * @typeParam SN - the names the schedules go by (an entry's `name`, else its index: `"0"`, ...);
 * `defineFunction` infers them from `schedule` (`string` where one is not known literally).
 */
export interface FunctionDefinition<S extends z.ZodType = z.ZodType, Output = unknown, O extends KubeObject = KubeObject, W extends WatchEntryType = WatchEntryType<string, O>, SN extends string = string> {
  /** DNS-1123 label: lower case, digits, `-`; at most 52 characters (room for CronJob suffixes). */
  name: string;
  /** One line on what the function does, shown by `podfn list`. */
  description?: string;
  /** Schema of the input. Default: an empty object. */
  input?: S;
  /** Optional schema the result is checked against. */
  output?: z.ZodType<Output>;
  /** RBAC rules the function needs. Default: none. */
  permissions?: PermissionRule[];
  /**
   * Where the function connects outside the cluster's API server (see `EgressRule`): with
   * `podfn manifests --network-policy --egress-cidrs`, its pods may reach these and no other
   * address (besides DNS and `--egress-cidrs`). Default: none.
   *
   * @example
   * egress: [{ cidr: "140.82.112.0/20", ports: [443] }]
   */
  egress?: EgressRule[];
  /** Expose the function as an HTTP route. */
  http?: HttpTrigger;
  /** Run the function on one or more schedules. */
  schedule?: ScheduleEntry<SN> | ScheduleEntry<SN>[];
  /** Run the function when objects change (see `WatchTrigger`); its list and watch rights are added to `permissions`. */
  watch?: WatchTrigger | WatchTrigger[];
  /**
   * The workload that serves the function's route, watches, in-process schedules and webhook:
   * functions naming the same one share a Deployment, a ServiceAccount holding the union of only
   * their rights, a Service and a leader Lease (`<app>-<workload>...`). A DNS label of at most 21
   * characters, not `http` (the default workload's name). Not taken by a function only CronJobs
   * run (each of its CronJobs has its own ServiceAccount). Default: the default workload
   * (`<app>-http`), with every function that names none.
   *
   * @example
   * workload: "public"
   */
  workload?: string;
  /** Aborts the call after this many milliseconds. Default 30000. */
  timeoutMs?: number;
  /**
   * Set when the function calls the API server only with requests every identity may make
   * (SelfSubjectReview, SelfSubjectAccessReview): it declares no `permissions`, yet its pod needs
   * its ServiceAccount token. Any declared permission implies it. Default false.
   */
  kubeApi?: boolean;
  /**
   * Environment variables the function reads as configuration (not secrets: their values are
   * written into the manifests in clear). `podfn manifests` copies the value each one has where
   * it runs into the pods that run the function, so a permission computed from a variable at
   * load (`resourceNames: [process.env.TARGET]`) grants what the pod will read. An unset
   * variable is left out, and the function's own default applies in both places. Default: none.
   */
  env?: string[];
  /**
   * Kubernetes Secrets the handler reads with `ctx.secret(name)`: the credentials of what it
   * calls (an API token, a webhook URL). `podfn manifests` mounts each Secret's key `value` as a
   * file (`$PODFN_SECRETS_DIR/<name>`) into the pods that run the function, never into an
   * environment variable or the manifests; a value is read again when its Secret changes, and
   * censored from logs, errors and answers. Create them yourself (`kubectl create secret generic
   * NAME --from-literal=value=...`); locally they are files in `.podfn/secrets`. Default: none.
   *
   * @example
   * secrets: ["slack-webhook-url"]
   */
  secrets?: string[];
  /**
   * CPU and memory of the pods of this function's CronJobs (its `mode: "cronjob"` schedules),
   * each amount over `podfn manifests`' (`--memory-limit`...; defaults: requests 50m CPU and
   * 96Mi, limits 1 CPU and 512Mi). Its HTTP route, watches and in-process schedules run in the
   * shared HTTP Deployment, which those flags size. Default: the flags'.
   *
   * @example
   * resources: { requests: { memory: "256Mi" }, limits: { memory: "1Gi" } }
   */
  resources?: FunctionResources;
  /** Work to do once when the process shuts down (close clients, flush). */
  onShutdown?: () => Promise<void> | void;
  /**
   * The function itself, called once per HTTP request, schedule run, watch event or `podfn run`
   * with the parsed input and the call's context. Its result is the HTTP answer's JSON body (200;
   * `reply()` to choose the status and headers) and what `podfn run` prints; a watch call's is
   * not used, but for a `condition()` its `status` reports and a `requeueAfter` (a call again
   * for the object later, as `REQUEUE`); a throw is a
   * failed call (`HttpError` chooses its status). It should stop when `ctx.signal` aborts
   * (timeout, shutdown).
   *
   * @example
   * async handler({ input, kube, log }) {
   *   const pods = await kube.pods.listPage({ labelSelector: input.selector });
   *   log.info({ count: pods.items.length }, "listed");
   *   return { count: pods.items.length };
   * }
   */
  handler(ctx: FunctionContext<z.output<S>, O, W>): Promise<Output | Reply | ConditionReport | void> | Output | Reply | ConditionReport | void;
}

/** A definition made by `defineFunction`; the loader accepts only these. */
export type PodfnFunction<S extends z.ZodType = z.ZodType, Output = unknown, O extends KubeObject = KubeObject, W extends WatchEntryType = WatchEntryType<string, O>, SN extends string = string> = Readonly<FunctionDefinition<S, Output, O, W, SN>> & {
  readonly [functionBrand]: true;
};
const functionBrand: unique symbol = Symbol.for("podfn.function");

/** What a watch's `resource` may be. */
type WatchResource = string | WatchedResourceType;

/**
 * A watch entry as `defineFunction` checks it, its `resource` the `R` inferred from it (and, for
 * a single entry, its `name` the `N`). `R` inferred from an object written in place takes in
 * every key it has, so a key no `ResourceType` has is mapped to `never`: still a compile error,
 * as the excess property it was. `N` uninferred (`undefined`: given explicit type arguments)
 * leaves `name` any string.
 */
type InferredWatch<R extends WatchResource, N extends string | undefined = string> = Omit<WatchTrigger<R>, "resource" | "name"> & {
  resource: R & (R extends string ? unknown : { [K in Exclude<keyof R, keyof ResourceType>]: never });
  name?: N | (undefined extends N ? string : never);
};

/**
 * Inference only: the `name` of each entry of a watch array, index by index, as `NS` (`unknown`
 * where none is written). A union member of `watch` beside the checked entries (two mapped types
 * intersected would lose `changed`'s contextual types); no value is one (its `resource` would be
 * `never`), so it accepts nothing, and `readonly` keeps error messages on the checked entries.
 */
type WatchNames<NS extends readonly unknown[]> = { +readonly [I in keyof NS]: { name?: NS[I]; resource: never } };

/** An admission rule as `defineFunction` checks it: as `InferredWatch`, a key no descriptor has (a misspelt `subresource`) stays an error. */
type InferredRule<R extends AdmissionResource> = Omit<AdmissionRule<R>, "resource"> & {
  resource: R & (R extends string ? unknown : { [K in Exclude<keyof R, keyof ResourceType | "subresource">]: never });
};

/**
 * Define a function. The handler's `input` is typed by the `input` schema, and a watch call's
 * `trigger.object` by the `watch`: `Job` for `resource: "jobs.batch"`, `Backup` for a
 * `ResourceType<Backup>`, the union of the entries' types for several (a resource given as a
 * `string` variable, or an untyped `{group, version, ...}`, is a `KubeObject`); with several,
 * checking `trigger.watch` (an entry's `name`, default its resource) narrows it to that entry's.
 *
 * @typeParam R - a single watch entry's `resource` (inferred).
 * @typeParam RS - the `resource` of each entry of a watch array, as a tuple (inferred).
 * @typeParam N - a single watch entry's `name` (inferred; `undefined`: none).
 * @typeParam NS - the `name` of each entry of a watch array, as a tuple (inferred; `unknown`: none).
 * @typeParam C - a single schedule entry's `cron` (inferred; `never`: no single entry).
 * @typeParam CN - a single schedule entry's `name` (inferred; `undefined`: none).
 * @typeParam CNS - the `name` of each entry of a schedule array, as a tuple (inferred; `unknown`: none).
 *
 * @example
 * export default defineFunction({
 *   name: "hello",
 *   http: { method: "GET", auth: "none" },
 *   input: z.object({ who: z.string().default("world") }),
 *   handler: ({ input }) => ({ hello: input.who }),
 * });
 *
 * @example
 * export default defineFunction({
 *   name: "on-deployment",
 *   watch: { resource: "deployments.apps" },
 *   handler({ trigger }) {
 *     if (trigger.type === "watch") return { replicas: trigger.object.spec?.replicas }; // a Deployment
 *   },
 * });
 */
/**
 * Define an admission webhook (see `AdmissionTrigger`): the API server calls the handler for the
 * requests `admission.rules` match, and it answers with a decision. Its
 * `trigger.request.object` is typed by the rules' `resource` (`Deployment` for
 * `"deployments.apps"`); a mutating one may return the object changed.
 *
 * @example
 * export default defineFunction({
 *   name: "require-owner-label",
 *   admission: { type: "validating", rules: [{ operations: ["CREATE", "UPDATE"], resource: "deployments.apps" }] },
 *   handler: ({ trigger }) =>
 *     trigger.request.object?.metadata?.labels?.owner ? { allowed: true } : { allowed: false, message: "every Deployment needs an owner label" },
 * });
 */
export function defineFunction<const RS extends readonly AdmissionResource[] = readonly AdmissionResource[], const T extends AdmissionWebhookType = AdmissionWebhookType>(
  definition: Omit<AdmissionFunctionDefinition<RS[number], T>, "admission"> & { admission: Omit<AdmissionTrigger<RS[number], T>, "rules"> & { rules: { -readonly [I in keyof RS]: InferredRule<RS[I]> } } },
): AdmissionFunction<RS[number], T>;
export function defineFunction<
  S extends z.ZodType = z.ZodObject<{}>,
  Output = unknown,
  const R extends WatchResource = WatchResource,
  const RS extends readonly WatchResource[] = readonly WatchResource[],
  const N extends string | undefined = undefined,
  const NS extends readonly unknown[] = readonly unknown[],
  C extends string = never,
  const CN extends string | undefined = undefined,
  const CNS extends readonly unknown[] = readonly unknown[],
>(
  definition: Omit<FunctionDefinition<S, Output, WatchedObjectOf<R, RS>, WatchEntriesOf<R, N, RS, NS>>, "watch" | "schedule"> & {
    watch?: InferredWatch<R, N> | { -readonly [I in keyof RS]: InferredWatch<RS[I]> } | WatchNames<NS>;
    schedule?: InferredSchedule<CN, C> | ScheduleEntry[] | ScheduleNames<CNS>;
  },
): PodfnFunction<S, Output, WatchedObjectOf<R, RS>, WatchEntriesOf<R, N, RS, NS>, ScheduleNamesOf<C, CN, CNS>>;
export function defineFunction(definition: object): object {
  // Types only. R and RS are `const` so that `"jobs.batch"` stays that literal (and an array a
  // tuple, its entries typed one by one); `watch` is checked against InferredWatch<R> or the
  // tuple's entries, so a misspelt option is still an excess property. N and NS, the names,
  // are `const` too (WatchNames infers NS). Given explicit type arguments <S, Output>, R, RS, N
  // and NS keep their wide defaults: any watch compiles, its object a KubeObject and its name a
  // string, as before. The schedule's names are inferred the same way (C, the cron of a single
  // entry, tells one without a name, named "0", from none); uninferred, they are any string.
  return Object.freeze({ ...definition, [functionBrand]: true as const });
}

/** An admission webhook made by `defineFunction` (the loader accepts it as any other definition). */
export type AdmissionFunction<R extends AdmissionResource = AdmissionResource, T extends AdmissionWebhookType = AdmissionWebhookType> = Readonly<AdmissionFunctionDefinition<R, T>> & {
  readonly [functionBrand]: true;
};

/** Whether `value` was made by `defineFunction` (what the loader looks for in a module's default export). */
export function isPodfnFunction(value: unknown): value is PodfnFunction {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[functionBrand] === true;
}

/** CPU and memory amounts, as Kubernetes writes quantities: `cpu: "250m"` (a quarter core), `memory: "512Mi"`. */
export interface ResourceAmounts {
  cpu?: string;
  memory?: string;
}

/** A container's requests (what the scheduler reserves) and limits (what it may use). */
export interface FunctionResources {
  requests?: ResourceAmounts;
  limits?: ResourceAmounts;
}

/** A loaded function: the definition with its defaults resolved. Produced by the loader. */
export interface LoadedFunction {
  /** What `defineFunction` returned. */
  definition: PodfnFunction;
  /** Path of the module it came from. */
  file: string;
  /** The function's name. */
  name: string;
  /** The input schema (an empty object schema when none was given). */
  input: z.ZodType;
  /** `timeoutMs`, default 30000. */
  timeoutMs: number;
  /** The declared rules (a watch's list and watch rights are added to its workload's, not here). */
  permissions: PermissionRule[];
  /** Where it connects outside the cluster's API server (`egress`), as declared; `[]` when none. */
  egress: EgressRule[];
  /** Configuration variables it reads (`env`), copied into its pods by `podfn manifests`. */
  env: string[];
  /** The Secrets its handler reads (`secrets`), mounted into its pods by `podfn manifests`. */
  secrets: string[];
  /** Its CronJob pods' `resources`, as declared; absent: none (`podfn manifests`' apply). */
  resources?: FunctionResources;
  /** The HTTP route with its defaults; absent: none. */
  http?: Required<Pick<HttpTrigger, "method" | "path" | "bodyLimitBytes" | "bodyTimeoutMs">> & { auth: HttpAuth; async?: boolean; maxInflight?: number };
  /** Every schedule, named (its index when unnamed) and defaulted. */
  schedules: (ScheduleEntry & { name: string; mode: "cronjob" | "in-process"; concurrencyPolicy: "Allow" | "Forbid" | "Replace"; input: unknown })[];
  /** Every watch, defaulted. */
  watches: LoadedWatch[];
  /** The admission webhook with its defaults; absent: none. */
  admission?: LoadedAdmission;
  /** The workload that serves it (`workload`); absent: the default one (`<app>-http`). */
  workload?: string;
}

/** A watch with its defaults resolved. */
export interface LoadedWatch {
  /** Its name in logs (default: the resource). */
  name: string;
  /** The watched type, its kind resolved. */
  type: WatchedResourceType;
  /** The namespace to watch, `"*"` for all; absent: the function's (the client's). Absent for cluster-scoped resources. */
  namespace?: string;
  /** As given; absent: none. */
  labelSelector?: string;
  /** As given; absent: none. */
  fieldSelector?: string;
  /** The changes that call the function (default all three). */
  events: WatchEventName[];
  /** Calls at once (default 4). */
  concurrency: number;
  /** Retries of a failed call (default 3). */
  retries: number;
  /** Whether only an object's latest queued change is called (default false). */
  coalesce: boolean;
  /** `generationChanges`: a MODIFIED with the generation last seen calls nothing. */
  generationChanges: boolean;
  /** `changed`: a MODIFIED it says does not matter calls nothing; absent: every change calls. */
  changed?: (object: KubeObject, previous: KubeObject) => boolean;
  /** Absent: no resync. */
  resyncSeconds?: number;
  /** Absent: no finalizer. */
  finalizer?: string;
  /** The condition type its calls are reported as in the object's status; absent: none. */
  status?: { condition: string };
}
