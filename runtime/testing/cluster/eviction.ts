/**
 * @module cluster/eviction
 * POST pods/{name}/eviction as pkg/registry/core/pod/storage/eviction.go decides it: the
 * Eviction's namespace must be the URL's (the create handler's 400) and, after the mutating
 * webhooks, its name the pod's (EvictionREST's 400); it is a dry run when the query or its
 * `deleteOptions.dryRun` says so (both given and different: propagateDryRun's plain error, a
 * 500). A pod that is Pending, Succeeded, Failed or already being deleted is deleted without
 * looking at PodDisruptionBudgets (`canIgnorePDB`); otherwise the budgets of its namespace whose
 * selector matches it count (a nil, empty or invalid selector matches nothing). More than one
 * is answered 201 with a Failure Status of code 500 in the body (the REST storage returns that
 * Status as its result, and the create handler writes results as 201); an unready pod goes
 * without touching its budget when the budget's `unhealthyPodEvictionPolicy` is `AlwaysAllow` or
 * the budget is healthy enough; otherwise the budget must have been processed by its controller
 * (`status.observedGeneration` at `metadata.generation`, else 429 "still being processed" with
 * Retry-After 10) and allow a disruption (429 when none, 403 when negative or when over 2000
 * evictions wait in `status.disruptedPods`), and is decremented, the pod recorded in
 * `status.disruptedPods`. The pod is given the `DisruptionTarget` condition
 * (EvictionByEvictionAPI), then deleted with the Eviction's own `deleteOptions`: its
 * `preconditions` (409 as rest.BeforeDelete words it) and policy (`propagationPolicy`, or
 * `orphanDependents`; without one the pod's own `orphan` or `foregroundDeletion` finalizer
 * decides, else the default, Background). Simplifications: no disruption controller runs, so a
 * budget's `status` is what the test wrote (`observedGeneration` included: a budget whose status
 * was never written is "still being processed", as on a real server before its controller
 * runs); a conflict the server retries for ~10 s is answered at once; the grace period is not
 * read (pods go at once).
 */
import { requireNamespace } from "./namespace-lifecycle.js";
import { isDryRun, type Call, type Reply } from "./call.js";
import type { Propagation } from "./deletion-plan.js";
import { fromLabelSelector, matchLabels } from "./label-selector.js";
import { checkPreconditions } from "./delete.js";
import { clone } from "./registry.js";
import { ApiError, badRequest, failure, forbidden, notFound, plainError } from "./status.js";
import { mutatedSubresource, validateSubresource } from "./webhook-admission.js";

type Obj = Record<string, any>;

const OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"];

/** eviction.go `canIgnorePDB`. */
function canIgnoreBudgets(pod: Obj): boolean {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || phase === "Failed" || phase === "Pending" || Boolean(pod.metadata.deletionTimestamp);
}

/** The budget selects the pod; a nil, empty or unparsable selector selects nothing. */
function selects(pdb: Obj, labels: Record<string, string> | undefined): boolean {
  const selector = pdb.spec?.selector as Obj | undefined | null;
  if (!selector) return false;
  if ((selector.matchExpressions ?? []).some((e: Obj) => !OPERATORS.includes(e.operator))) return false;
  const parsed = fromLabelSelector(selector);
  return parsed.length > 0 && matchLabels(parsed, labels);
}

function isPodReady(pod: Obj): boolean {
  return (pod.status?.conditions ?? []).some((c: Obj) => c.type === "Ready" && c.status === "True");
}

const EVICTION_KIND = { group: "policy", version: "v1", kind: "Eviction" };

/**
 * The Eviction posted, as the create handler gives it to admission: of policy/v1, in the URL's
 * namespace; a body that is not JSON (protobuf) as one naming the pod and nothing else.
 */
function postedEviction(call: Call): Obj {
  let posted: unknown;
  try {
    posted = JSON.parse(call.body.toString("utf8"));
  } catch {
    posted = undefined;
  }
  const body: Obj = posted && typeof posted === "object" && !Array.isArray(posted) ? (posted as Obj) : { metadata: { name: call.info.name } };
  const metadata: Obj = body.metadata && typeof body.metadata === "object" ? { ...body.metadata } : {};
  // rest.EnsureObjectNamespaceMatchesRequestNamespace, before any webhook.
  if (metadata.namespace && metadata.namespace !== call.info.namespace) throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  metadata.namespace = call.info.namespace;
  return { ...body, kind: EVICTION_KIND.kind, apiVersion: "policy/v1", metadata };
}

/**
 * propagateDryRun: a dry run when the query's `dryRun` or the Eviction's `deleteOptions.dryRun`
 * is not empty (any value: dryrun.IsDryRun looks at the length only); both given and different
 * is a plain error, which the server answers as a 500 with no reason.
 */
function evictionDryRun(call: Call, eviction: Obj, queryDryRun: boolean): boolean {
  const asked = queryDryRun ? call.query.getAll("dryRun") : [];
  const options = eviction.deleteOptions;
  const carried: string[] = options && typeof options === "object" && Array.isArray(options.dryRun) ? options.dryRun.map(String) : [];
  if (asked.length && carried.length && (asked.length !== carried.length || asked.some((value, i) => value !== carried[i]))) {
    throw plainError(`Non-matching dry-run options in request and content: [${asked.join(" ")}] and [${carried.join(" ")}]`);
  }
  return asked.length > 0 || carried.length > 0;
}

/** The Eviction's `deleteOptions.preconditions`, as the store's Delete reads them. */
function evictionPreconditions(eviction: Obj): { uid?: string; resourceVersion?: string } | undefined {
  const pre = eviction.deleteOptions?.preconditions;
  return pre && typeof pre === "object" ? pre : undefined;
}

/** The propagation the Eviction's `deleteOptions` ask for (as decodeDeleteOptions reads them); none without. */
function evictionPolicy(eviction: Obj): Propagation | undefined {
  const options: Obj | undefined = eviction?.deleteOptions ?? undefined;
  if (!options || typeof options !== "object") return undefined;
  // store.go reads orphanDependents first (nothing validates the pair on this path).
  if (typeof options.orphanDependents === "boolean") return options.orphanDependents ? "Orphan" : "Background";
  if (["Background", "Foreground", "Orphan"].includes(options.propagationPolicy)) return options.propagationPolicy as Propagation;
  return undefined;
}

/** podutil.UpdatePodCondition of `DisruptionTarget` (its transition time kept while its status stays True). */
function withDisruptionTarget(pod: Obj, now: string): Obj {
  const next = clone(pod);
  const status: Obj = (next.status ??= {});
  const conditions: Obj[] = status.conditions ?? [];
  const old = conditions.find((c) => c.type === "DisruptionTarget");
  const condition = { type: "DisruptionTarget", status: "True", lastProbeTime: old?.lastProbeTime ?? null, lastTransitionTime: old?.status === "True" ? old.lastTransitionTime : now, reason: "EvictionByEvictionAPI", message: "Eviction API: evicting" };
  status.conditions = old ? conditions.map((c) => (c === old ? condition : c)) : [...conditions, condition];
  return next;
}

/**
 * addConditionAndDeletePod: the Eviction's preconditions checked against the pod, then (not in
 * a dry run) the pod given the DisruptionTarget condition and deleted with the Eviction's
 * deleteOptions, no policy of its own.
 */
function evicted(call: Call, pod: Obj, eviction: Obj, dryRun: boolean): Reply {
  checkPreconditions(call.def, pod, evictionPreconditions(eviction));
  if (!dryRun) {
    const { registry } = call;
    const marked = registry.commit(call.def, withDisruptionTarget(pod, registry.timestamp()), "MODIFIED");
    registry.deleteObject(call.def, clone(marked.obj), evictionPolicy(eviction), 0);
  }
  return { status: 201, body: JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }) };
}

/** eviction.go's `MaxDisruptedPodSize`: evictions the disruption controller has not confirmed yet, at most. */
const MAX_DISRUPTED_PODS = 2000;

/** eviction.go's `errors.NewForbidden(policy.Resource("poddisruptionbudget"), name, reason)`. */
function budgetForbidden(pdb: Obj, reason: string): ApiError {
  return forbidden({ group: "policy", resource: "poddisruptionbudget" }, pdb.metadata.name, reason);
}

/** `checkAndDecrement`: refuses when the budget allows no disruption, else records one. */
function takeDisruption(call: Call, pdb: Obj, podName: string, dryRun: boolean): void {
  const status: Obj = pdb.status ?? {};
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
    // createTooManyRequestsError: the disruption controller has not seen this spec yet.
    throw new ApiError(
      failure(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", {
        causes: [{ reason: "DisruptionBudget", message: `The disruption budget ${pdb.metadata.name} is still being processed by the server.` }],
        retryAfterSeconds: 10,
      }),
    );
  }
  const allowed: number = status.disruptionsAllowed ?? 0;
  if (allowed < 0) throw budgetForbidden(pdb, "pdb disruptions allowed is negative");
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) throw budgetForbidden(pdb, "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
  if (allowed === 0) {
    throw new ApiError(
      failure(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", {
        causes: [{ reason: "DisruptionBudget", message: `The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently` }],
      }),
    );
  }
  if (dryRun) return;
  const { registry } = call;
  const next = clone(pdb);
  next.status = { ...status, disruptionsAllowed: allowed - 1 };
  if (allowed - 1 === 0) {
    // pdbhelper.UpdateDisruptionAllowedCondition, as SetStatusCondition keeps an unchanged condition's time.
    const conditions: Obj[] = next.status.conditions ?? [];
    const old = conditions.find((c) => c.type === "DisruptionAllowed");
    const condition = { type: "DisruptionAllowed", status: "False", observedGeneration: status.observedGeneration ?? 0, lastTransitionTime: old?.status === "False" ? old.lastTransitionTime : registry.timestamp(), reason: "InsufficientPods", message: old?.message ?? "" };
    next.status.conditions = old ? conditions.map((c) => (c === old ? condition : c)) : [...conditions, condition];
  }
  next.status.disruptedPods = { ...(status.disruptedPods ?? {}), [podName]: registry.timestamp() };
  registry.commit(registry.find("policy", "v1", "poddisruptionbudgets")!, next, "MODIFIED");
}

/**
 * POST pods/{name}/eviction. Its webhooks (a CREATE of the Eviction, named as the pod) are
 * called first, as the create handler's mutating admission and EvictionREST's createValidation
 * are, before the pod is looked up; the Eviction they leave is the one whose options count.
 */
export async function evictPod(call: Call): Promise<Reply> {
  const { info, registry } = call;
  const queryDryRun = isDryRun(call); // the CreateOptions are validated first (422 for a dryRun other than All)
  const posted = postedEviction(call);
  // NamespaceLifecycle, the first mutating admission plugin: no eviction in a Terminating namespace.
  requireNamespace(registry, call.def, info.namespace, info.name, true);
  const eviction = await mutatedSubresource(call, EVICTION_KIND, "CREATE", posted);
  if (eviction.metadata?.name !== info.name) throw badRequest("name in URL does not match name in Eviction object");
  const dryRun = evictionDryRun(call, eviction, queryDryRun);
  await validateSubresource(call, EVICTION_KIND, "CREATE", eviction);
  const pod = registry.store.get(call.def, info.namespace, info.name);
  if (!pod) throw notFound(call.def, info.name);
  if (canIgnoreBudgets(pod.obj)) return evicted(call, pod.obj, eviction, dryRun);
  const pdbDef = registry.find("policy", "v1", "poddisruptionbudgets")!;
  const budgets = registry.store.list(pdbDef, info.namespace).map(({ entry }) => entry.obj).filter((pdb) => selects(pdb, pod.obj.metadata.labels));
  if (budgets.length > 1) {
    return { status: 201, body: JSON.stringify(plainError("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.").status) };
  }
  const pdb = budgets[0];
  if (pdb) {
    const status: Obj = pdb.status ?? {};
    const healthyEnough = (status.desiredHealthy ?? 0) > 0 && (status.currentHealthy ?? 0) >= status.desiredHealthy;
    // An unready pod goes without touching the budget under AlwaysAllow, or while it is healthy enough.
    const unreadyGoes = !isPodReady(pod.obj) && (pdb.spec?.unhealthyPodEvictionPolicy === "AlwaysAllow" || healthyEnough);
    if (!unreadyGoes) takeDisruption(call, pdb, info.name, dryRun);
  }
  return evicted(call, pod.obj, eviction, dryRun);
}
