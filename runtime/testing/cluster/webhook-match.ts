/**
 * @module cluster/webhook-match
 * Which stored webhooks a request reaches, as the API server's webhook plugins decide
 * (apiserver pkg/admission/plugin/webhook/predicates): the configurations by name, their
 * webhooks in order; a rule matches on operation, API group, version, resource and scope (a
 * resource `pods`, `pods/exec`, `*`, `*\/*`, `pods/*`, `*\/status`, split and compared as
 * rules.go does: `*` is no subresource, `pods/*` pods and all theirs); the `namespaceSelector`
 * on the labels of the object's namespace (a Namespace's own labels; a cluster-scoped object
 * always matches); the `objectSelector` on the labels of the request's object or old object (a
 * subresource's own: a Scale carries none, an Eviction its own; a CONNECT's options have no
 * ObjectMeta, so only an empty selector matches them). Requests for the webhook
 * configurations themselves never reach a webhook, as there. `matchPolicy: Equivalent` is not
 * emulated: a request through one version of a type served in two (autoscaling/v1 and v2
 * HorizontalPodAutoscalers, core and events.k8s.io Events) reaches only the rules naming it.
 */
import { fromLabelSelector, matchLabels } from "./label-selector.js";
import type { Registry } from "./registry.js";
import type { ResourceDef } from "./resources.js";

type Obj = Record<string, any>;

/** A stored webhook, with its configuration's kind. */
export interface StoredWebhook {
  hook: Obj;
  mutating: boolean;
}

/** What a request is about, for matching. */
export interface Attributes {
  def: ResourceDef;
  subresource: string;
  operation: "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
  namespace: string;
  object: Obj | null;
  oldObject: Obj | null;
  /**
   * The kind of `object` when it is not the resource's: a subresource's own (`autoscaling/v1
   * Scale`, `policy/v1 Eviction`, `authentication.k8s.io/v1 TokenRequest`).
   */
  kind?: { group: string; version: string; kind: string };
  /**
   * The request's name when it is not its object's: "" for each item of a deletecollection,
   * reviewed with the collection's static attributes, which name none (as 1.32's
   * `AdmissionToValidateObjectDeleteFunc` reviews them: oldObject the item, no name).
   */
  name?: string;
}

export const ADMISSION_GROUP = "admissionregistration.k8s.io";

/** The webhooks of the stored configurations of one kind, by configuration name, each in order. */
export function storedWebhooks(registry: Registry, mutating: boolean): StoredWebhook[] {
  const def = registry.find(ADMISSION_GROUP, "v1", mutating ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations");
  if (!def) return [];
  const configs = registry.store.list(def).map((e) => e.entry.obj).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  return configs.flatMap((c) => ((c.webhooks ?? []) as Obj[]).map((hook) => ({ hook, mutating })));
}

function listed(values: unknown, value: string): boolean {
  return Array.isArray(values) && (values.includes("*") || values.includes(value));
}

/** A rule resource's resource and subresource (rules.go splitResource: `*` is `*` and no subresource). */
function splitResource(r: string): [string, string] {
  const slash = r.indexOf("/");
  return slash < 0 ? [r, ""] : [r.slice(0, slash), r.slice(slash + 1)];
}

/**
 * rules.go Matcher.resource: each side matches exactly or by `*`, so `*` is every resource but
 * no subresource, `pods/*` pods and every subresource of them, `*\/scale` every scale.
 */
function resourceMatches(resources: unknown, resource: string, sub: string): boolean {
  if (!Array.isArray(resources)) return false;
  return resources.some((r: unknown) => {
    if (typeof r !== "string") return false;
    const [res, s] = splitResource(r);
    return (res === "*" || res === resource) && (s === "*" || s === sub);
  });
}

/** A rule's match (predicates/rules Matcher). */
function ruleMatches(rule: Obj, a: Attributes): boolean {
  const scope = rule.scope ?? "*";
  if (scope === "Cluster" && a.def.namespaced) return false;
  if (scope === "Namespaced" && !a.def.namespaced) return false;
  return listed(rule.operations, a.operation) && listed(rule.apiGroups, a.def.group) && listed(rule.apiVersions, a.def.version) && resourceMatches(rule.resources, a.def.resource, a.subresource);
}

function selects(selector: Obj | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return true;
  return matchLabels(fromLabelSelector(selector as never), labels ?? {});
}

function namespaceMatches(registry: Registry, hook: Obj, a: Attributes): boolean {
  const isNamespace = a.def.group === "" && a.def.resource === "namespaces";
  if (isNamespace) return selects(hook.namespaceSelector, (a.object ?? a.oldObject)?.metadata?.labels);
  if (!a.def.namespaced) return true;
  const ns = registry.store.get(registry.core("namespaces"), "", a.namespace)?.obj;
  return selects(hook.namespaceSelector, ns?.metadata?.labels);
}

/**
 * MatchObjectSelector: an empty selector matches; else matchObject of the object or the old one,
 * false for none and for one without ObjectMeta (meta.Accessor fails): a CONNECT's object is
 * always its options (PodExecOptions, PodAttachOptions, PodPortForwardOptions), which have none.
 */
function objectMatches(hook: Obj, a: Attributes): boolean {
  const selector = fromLabelSelector(hook.objectSelector);
  if (selector.length === 0) return true;
  if (a.operation === "CONNECT") return false;
  return [a.object, a.oldObject].some((o) => o && matchLabels(selector, o.metadata?.labels ?? {}));
}

/** Whether `hook` is to be called for the request (before its matchConditions). */
export function webhookMatches(registry: Registry, hook: Obj, a: Attributes): boolean {
  if (a.def.group === ADMISSION_GROUP) return false;
  if (!Array.isArray(hook.rules) || !hook.rules.some((r: Obj) => ruleMatches(r, a))) return false;
  return namespaceMatches(registry, hook, a) && objectMatches(hook, a);
}
