/**
 * @module cluster/eviction
 * POST pods/{name}/eviction as pkg/registry/core/pod/storage/eviction.go decides it:
 * a pod that is Pending, Succeeded, Failed or already being deleted is deleted without looking
 * at PodDisruptionBudgets (`canIgnorePDB`); otherwise the budgets of its namespace whose
 * selector matches it count (a nil, empty or invalid selector matches nothing). More than one
 * is answered 201 with a Failure Status of code 500 in the body (the REST storage returns that
 * Status as its result, and the create handler writes results as 201); an unready pod goes
 * without touching its budget when the budget's `unhealthyPodEvictionPolicy` is `AlwaysAllow` or
 * the budget is healthy enough; otherwise the budget must allow a disruption (429 when none, 403
 * when negative or when over 2000 evictions wait in `status.disruptedPods`) and is decremented,
 * the pod recorded in `status.disruptedPods`. The pod is deleted with the Eviction's own `deleteOptions` policy
 * (`propagationPolicy`, or `orphanDependents`): without one, the pod's own `orphan` or
 * `foregroundDeletion` finalizer decides, else the default (Background). Simplification: no
 * disruption controller runs, so `status` is what the test wrote and the "still being processed"
 * check of `observedGeneration` is not made; the deleteOptions' other fields are not read.
 */
import { isDryRun, type Call, type Reply } from "./call.js";
import type { Propagation } from "./deletion-plan.js";
import { fromLabelSelector, matchLabels } from "./label-selector.js";
import { clone } from "./registry.js";
import { ApiError, failure, notFound, plainError } from "./status.js";
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
  if (!metadata.namespace) metadata.namespace = call.info.namespace;
  return { ...body, kind: EVICTION_KIND.kind, apiVersion: "policy/v1", metadata };
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

function evicted(call: Call, pod: Obj, eviction: Obj): Reply {
  // eviction.go deletes with the Eviction's deleteOptions, no policy of its own.
  if (!isDryRun(call)) call.registry.deleteObject(call.def, pod, evictionPolicy(eviction), 0);
  return { status: 201, body: JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }) };
}

/** eviction.go's `MaxDisruptedPodSize`: evictions the disruption controller has not confirmed yet, at most. */
const MAX_DISRUPTED_PODS = 2000;

/** eviction.go's `errors.NewForbidden(policy.Resource("poddisruptionbudget"), name, reason)`. */
function budgetForbidden(pdb: Obj, reason: string): ApiError {
  return new ApiError(failure(403, "Forbidden", `poddisruptionbudget.policy "${pdb.metadata.name}" is forbidden: ${reason}`, { name: pdb.metadata.name, group: "policy", kind: "poddisruptionbudget" }));
}

/** `checkAndDecrement`: refuses when the budget allows no disruption, else records one. */
function takeDisruption(call: Call, pdb: Obj, podName: string): void {
  const status: Obj = pdb.status ?? {};
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
  if (isDryRun(call)) return;
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
  const eviction = await mutatedSubresource(call, EVICTION_KIND, "CREATE", postedEviction(call));
  await validateSubresource(call, EVICTION_KIND, "CREATE", eviction);
  const pod = registry.store.get(call.def, info.namespace, info.name);
  if (!pod) throw notFound(call.def, info.name);
  if (canIgnoreBudgets(pod.obj)) return evicted(call, pod.obj, eviction);
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
    if (!unreadyGoes) takeDisruption(call, pdb, info.name);
  }
  return evicted(call, pod.obj, eviction);
}
