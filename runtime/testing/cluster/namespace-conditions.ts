/**
 * @module cluster/namespace-conditions
 * The `status.conditions` the namespace controller writes on a Terminating namespace each time
 * it deletes its content (pkg/controller/namespace/deletion, 1.32: deleteAllContent and
 * status_condition_utils.go). Five types, in this order: discovery and group-version parsing
 * failures (always their "ok" form here: the emulator discovers everything), content deletion
 * failures (`Failed to delete all resource types, 1 remaining: admission webhook "x" denied the
 * request: ...`, a webhook's refusal of the controller's deletes, else "ok"), `NamespaceContentRemaining` (`Some resources are remaining: configmaps. has 2
 * resource instances`, per resource `<resource>.<group>`, sorted) and
 * `NamespaceFinalizersRemaining` (`... example.com/x in 1 resource instances`, per finalizer,
 * sorted), True while objects remain, else their "ok" form. A condition keeps its
 * lastTransitionTime until its status changes.
 */
type Obj = Record<string, any>;

/** What is left of one resource in the namespace: its objects (all being deleted). */
export interface RemainingContent {
  resource: string;
  group: string;
  objects: Obj[];
}

const TYPES = [
  "NamespaceDeletionDiscoveryFailure",
  "NamespaceDeletionGroupVersionParsingFailure",
  "NamespaceDeletionContentFailure",
  "NamespaceContentRemaining",
  "NamespaceFinalizersRemaining",
] as const;

/** newSuccessfulCondition's reason and message per type. */
const OK: Record<(typeof TYPES)[number], [reason: string, message: string]> = {
  NamespaceDeletionDiscoveryFailure: ["ResourcesDiscovered", "All resources successfully discovered"],
  NamespaceDeletionGroupVersionParsingFailure: ["ParsedGroupVersions", "All legacy kube types successfully parsed"],
  NamespaceDeletionContentFailure: ["ContentDeleted", "All content successfully deleted, may be waiting on finalization"],
  NamespaceContentRemaining: ["ContentRemoved", "All content successfully removed"],
  NamespaceFinalizersRemaining: ["ContentHasNoFinalizers", "All content-preserving finalizers finished"],
};

const sorted = (list: string[]) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** ProcessContentTotals: the True conditions for what remains, by type. */
function remainingConditions(content: RemainingContent[]): Map<string, [reason: string, message: string]> {
  const out = new Map<string, [string, string]>();
  const left = content.filter((c) => c.objects.length > 0);
  if (left.length === 0) return out;
  const resources = sorted(left.map((c) => `${c.resource}.${c.group} has ${c.objects.length} resource instances`));
  out.set("NamespaceContentRemaining", ["SomeResourcesRemain", `Some resources are remaining: ${resources.join(", ")}`]);
  const byFinalizer = new Map<string, number>();
  for (const c of left) for (const o of c.objects) for (const f of (o.metadata?.finalizers ?? []) as string[]) byFinalizer.set(f, (byFinalizer.get(f) ?? 0) + 1);
  if (byFinalizer.size > 0) {
    const finalizers = sorted([...byFinalizer].map(([f, n]) => `${f} in ${n} resource instances`));
    out.set("NamespaceFinalizersRemaining", ["SomeFinalizersRemain", `Some content in the namespace has finalizers remaining: ${finalizers.join(", ")}`]);
  }
  return out;
}

/**
 * updateConditions: the namespace's conditions after a pass over `content` at `now` (with
 * `deleteErrors`, the messages of the resources it failed to delete), or `undefined` when none
 * changes (no status update then).
 */
export function deletionConditions(current: Obj[] | undefined, content: RemainingContent[], now: string, deleteErrors: string[] = []): Obj[] | undefined {
  const failing = remainingConditions(content);
  // makeDeleteContentCondition: one error per resource whose deletecollection failed, sorted.
  if (deleteErrors.length) failing.set("NamespaceDeletionContentFailure", ["ContentDeletionFailed", `Failed to delete all resource types, ${deleteErrors.length} remaining: ${sorted(deleteErrors).join(", ")}`]);
  const conditions = (current ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of TYPES) {
    const [reason, message] = failing.get(type) ?? OK[type];
    const status = failing.has(type) ? "True" : "False";
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push({ type, status, lastTransitionTime: now, reason, message });
      changed = true;
    } else if (old.status !== status || old.reason !== reason || old.message !== message) {
      if (old.status !== status) old.lastTransitionTime = now;
      Object.assign(old, { status, reason, message });
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}
