/**
 * @module cluster/clusterrole-aggregation
 * The clusterrole-aggregation controller's work (kube-controller-manager's
 * pkg/controller/clusterroleaggregation), inline: after every ClusterRole write or delete, each
 * ClusterRole with an aggregationRule is given the rules of the ClusterRoles its selectors
 * match — selector by selector, the matched roles in name order (the role itself skipped), a
 * rule appended unless a semantically equal one is already there — written only when they
 * differ from its rules (nil and empty alike), by a forced server-side apply of `rules` alone
 * as `clusterrole-aggregation-controller` (no rules: none applied, so the ones it applied go).
 * A write an admission webhook matches waits for the webhooks, told of it as the controller's
 * own request (controller-admission.ts); refused, the role keeps its rules and the controller
 * runs again later (5 ms, doubling up to 1000 s: its queue's DefaultControllerRateLimiter).
 */
import type { Call } from "./call.js";
import { applyWithOwnership } from "./field-ownership.js";
import { semanticEqual } from "./go-equality.js";
import { fromLabelSelector, matchLabels } from "./label-selector.js";
import { applyWrite } from "./managed-fields.js";
import { clone } from "./registry.js";
import { apiVersionOf } from "./resources.js";
import { ApiError } from "./status.js";
import { updateObject } from "./write.js";
import { admittedUpdate } from "./webhook-admission.js";
import { someWebhookMatches } from "./controller-admission.js";

type Obj = Record<string, any>;

/** The controller's field manager. */
export const AGGREGATION_MANAGER = "clusterrole-aggregation-controller";

/**
 * Passes over the aggregated roles before giving up on roles that keep changing each other
 * (the real controller would requeue them for ever).
 */
const MAX_PASSES = 100;

const byName = (a: Obj, b: Obj): number => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);

/** syncClusterRole's rules for `role` among `all` the ClusterRoles. */
export function aggregatedRules(role: Obj, all: Obj[]): Obj[] {
  const rules: Obj[] = [];
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const parsed = fromLabelSelector(selector);
    for (const other of all.filter((r) => matchLabels(parsed, r.metadata.labels)).sort(byName)) {
      if (other.metadata.name === role.metadata.name) continue;
      for (const rule of other.rules ?? []) {
        if (!rules.some((r) => semanticEqual(r, rule, "V1PolicyRule"))) rules.push(rule);
      }
    }
  }
  return rules;
}

/** The controller: the server's call for ClusterRoles, the request webhooks are told of, the roles whose reviewed write is under way, and how to run it again. */
interface Aggregator {
  call: Call;
  reviewer: Call | undefined;
  reviewing: Set<string>;
  again: () => void;
}

/**
 * The controller's apply of `rules` to the stored ClusterRole `name` (force: it takes them from
 * any owner): inline unless a webhook matches it; then after the webhooks, and refused, the
 * controller runs again later. Whether it wrote inline.
 */
function applyRules({ call, reviewer, reviewing, again }: Aggregator, name: string, rules: Obj[]): boolean {
  const { registry, def } = call;
  const current = registry.store.get(def, undefined, name)!;
  const applied: Obj = { apiVersion: apiVersionOf(def), kind: def.kind, metadata: { name }, ...(rules.length ? { rules: clone(rules) } : {}) };
  const write = applyWrite({ def, manager: AGGREGATION_MANAGER, time: registry.timestamp() }, current.obj);
  const { object } = applyWithOwnership(write, current.obj, applied, true);
  const patched = { ...object, metadata: { ...object.metadata, managedFields: current.obj.metadata.managedFields } };
  const patch = { ...call, info: { ...call.info, verb: "patch", name } };
  if (!reviewer || !someWebhookMatches(registry, { def, subresource: "", operation: "UPDATE", namespace: "", object: patched, oldObject: current.obj })) {
    updateObject(patch, current, patched, "main", "Apply", applied);
    return true;
  }
  if (reviewing.has(name)) return false;
  reviewing.add(name);
  const key = `${AGGREGATION_MANAGER} ${name}`;
  admittedUpdate(patch, current, patched, "main", "Apply", applied, { ...reviewer, info: { ...reviewer.info, verb: "patch", name } }).then(
    () => {
      reviewing.delete(name);
      registry.retries.succeeded(key);
    },
    () => {
      reviewing.delete(name);
      registry.retries.later(key, again, 1_000_000);
    },
  );
  return false;
}

/** Brings one aggregated role up to date; whether it wrote. */
function syncClusterRole(aggregator: Aggregator, name: string): boolean {
  const { call } = aggregator;
  const all = call.registry.store.list(call.def).map((e) => e.entry.obj as Obj);
  const role = all.find((r) => r.metadata.name === name);
  if (!role?.aggregationRule) return false;
  const rules = aggregatedRules(role, all);
  if (semanticEqual(rules, role.rules, "[]V1PolicyRule")) return false;
  try {
    return applyRules(aggregator, name, rules);
  } catch (error) {
    // The real controller logs a refused write and retries it; the next change of a ClusterRole does here.
    if (error instanceof ApiError) return false;
    throw error;
  }
}

/**
 * The controller, run by `Registry` after each ClusterRole write or delete; `call` is the
 * server's own call for ClusterRoles, as `AGGREGATION_MANAGER`, `reviewer` the controller's
 * own request, as webhooks are told of it (none: its writes are never reviewed). Its own writes
 * come back through the registry while it runs: they ask for one more pass over every
 * aggregated role (the real controller requeues them all on any change), until a pass writes
 * nothing.
 */
export function clusterRoleAggregator(call: Call, reviewer?: Call): () => void {
  let running = false;
  let again = false;
  const aggregator: Aggregator = { call, reviewer, reviewing: new Set(), again: () => aggregateClusterRoles() };
  return aggregateClusterRoles;
  function aggregateClusterRoles(): void {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      for (let pass = 0, more = true; more && pass < MAX_PASSES; pass++) {
        again = false;
        const aggregated = call.registry.store.list(call.def).map((e) => e.entry.obj as Obj).filter((r) => r.aggregationRule);
        for (const role of aggregated) syncClusterRole(aggregator, role.metadata.name);
        more = again;
      }
    } finally {
      running = false;
    }
  }
}
