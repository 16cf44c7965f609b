/**
 * @module deploy/warnings
 * What `podfn manifests` says about manifests that are valid but likely not what is meant:
 * - an image on a moving tag (`:latest` or none) that pods pull `IfNotPresent`: nodes run
 *   whichever build they pulled first;
 * - a ServiceAccount granted what reaches past the objects its rules name (see
 *   deploy/escalations): writing pod templates, running commands in pods, minting tokens,
 *   reading or overwriting every Secret, or creating Secrets while reading any (a
 *   service-account-token Secret it creates is filled with a token it then reads) — in effect the
 *   rights of other ServiceAccounts of the namespace, so least privilege stops at the namespace's edge;
 * - a Role granting custom resources whose scope podfn cannot know (deploy/scopes): if one is
 *   cluster-scoped the Role grants nothing on it, and the function's calls get 403;
 * - admission webhook configurations, which act on the whole cluster and need cert-manager.
 */
import type { PolicyRule, Role, RoleBinding } from "kubernetes-types/rbac/v1.js";
import type { KubeObject } from "../kube/api.js";
import { escalations, secretGrants, type EscalationKind, type SecretGrantKind } from "./escalations.js";
import { isBuiltInGroup, scopeKey, type ResourceScopes } from "./rules.js";

/** The note of each kind of escalation: who, its grants, and where they apply. */
const NOTES: Record<EscalationKind, (who: string, grants: string, scope: string) => string> = {
  "pod-templates": (who, grants, scope) =>
    `ServiceAccount ${who} may write pod templates (${grants}): RBAC checks neither a template's image nor its serviceAccountName, and resourceNames limit which objects, not what they run, so it can run any image as any ServiceAccount of ${scope}, holding their rights too; deploy podfn in a namespace of its own, use a subresource such as deployments/scale where only replicas change, or pin images and ServiceAccounts with an admission policy (a ValidatingAdmissionPolicy)`,
  "pod-commands": (who, grants, scope) =>
    `ServiceAccount ${who} may run commands in pods (${grants}): a command runs with its pod's ServiceAccount and reads the Secrets it mounts, in ${scope}` +
    (grants.includes("nodes/proxy")
      ? "; nodes/proxy is the kubelet's API, which runs commands in any pod of any node whatever its namespace (pods/exec's rules not asked): grant nodes/stats or nodes/metrics for a node's figures instead"
      : "; grant it only where a function must, in a namespace of its own"),
  tokens: (who, grants, scope) => `ServiceAccount ${who} may mint ServiceAccount tokens (${grants}): it can act as ${grants.includes(" named ") ? "the ServiceAccounts named" : `any ServiceAccount of ${scope}`}, holding their rights`,
  secrets: (who, grants, scope) =>
    `ServiceAccount ${who} may read every Secret of ${scope} (${grants}): ServiceAccount tokens and other credentials among them; name the Secrets it needs (resourceNames, with get)`,
  "secret-writes": (who, grants, scope) =>
    `ServiceAccount ${who} may overwrite every Secret of ${scope} (${grants}): set a route's caller-auth Secret to a value it knows, it can call that route with the rights of the workload serving it (other workloads' credentials likewise); name the Secrets it writes (resourceNames, with update or patch), or label-select them in a namespace of their own`,
};

/** The note of a ServiceAccount that creates Secrets and reads them (named or not) where both apply. */
const secretTokenNote = (who: string, grants: string, scope: string) =>
  `ServiceAccount ${who} may mint long-lived ServiceAccount tokens (${grants}): a kubernetes.io/service-account-token Secret it creates annotated kubernetes.io/service-account.name is filled by the tokens controller with a token of that ServiceAccount, and it reads the Secret by the name it gave it (resourceNames do not stop that), so it can act as any ServiceAccount of ${scope}, holding their rights; grant create of secrets in a namespace of its own, or refuse that Secret type with an admission policy (a ValidatingAdmissionPolicy)`;

/** A grant's kind: escalating alone, or only with another (see deploy/escalations). */
type GrantKind = EscalationKind | SecretGrantKind;

/** What a ServiceAccount holds of one kind: its grants by the namespace they apply in ("*": every one). */
interface Held {
  who: string;
  kind: GrantKind;
  scopes: Map<string, Set<string>>;
}

/** `scopes` as a note names them. */
const scopeText = (scopes: Iterable<string>) => {
  const all = [...scopes];
  return all.includes("*") ? "every namespace" : `namespace ${all.sort().join(", ")}`;
};

/** Where grants in namespace scopes `a` and `b` ("*": every one) both apply, if anywhere. */
const meet = (a: string, b: string) => (a === "*" ? b : b === "*" || a === b ? a : undefined);

/** Whether the image names a fixed build: a digest, or a tag other than `latest`. */
function isPinned(image: string): boolean {
  if (image.includes("@")) return true;
  const last = image.slice(image.lastIndexOf("/") + 1);
  const colon = last.lastIndexOf(":");
  return colon !== -1 && last.slice(colon + 1) !== "latest";
}

/**
 * The notes about `objects` (every generated object) and `image`, one line each; `scopes`, the
 * custom resources' the functions declare (deploy/scopes `declaredScopes`).
 *
 * @example
 * for (const note of manifestWarnings(groups.flatMap((g) => g.objects), "podfn:latest", declaredScopes(functions))) io.stderr(`note: ${note}\n`);
 */
export function manifestWarnings(objects: readonly KubeObject[], image: string, scopes: ResourceScopes = new Map()): string[] {
  const notes: string[] = [];
  if (!isPinned(image)) {
    notes.push(`--image ${image} is a moving tag, and pods pull IfNotPresent: each node runs the build it pulled first; give a version tag or a digest (registry.example.com/ops/podfn:1.0)`);
  }
  // Role or ClusterRole → its escalating grants by kind.
  const grants = new Map<string, Partial<Record<GrantKind, string[]>>>();
  for (const object of objects) {
    if (object.kind !== "Role" && object.kind !== "ClusterRole") continue;
    const found: Partial<Record<GrantKind, string[]>> = {};
    for (const rule of (object as { rules?: PolicyRule[] }).rules ?? []) {
      for (const [kind, list] of Object.entries({ ...escalations(rule), ...secretGrants(rule) }) as [GrantKind, string[]][]) (found[kind] ??= []).push(...list);
    }
    const namespace = object.kind === "Role" ? (object.metadata?.namespace ?? "") : "";
    if (Object.keys(found).length) grants.set(`${object.kind}/${namespace}/${object.metadata?.name ?? ""}`, found);
  }
  // ServiceAccount and kind → the grants it holds by the namespace they apply in ("*": every one).
  const holders = new Map<string, Held>();
  for (const object of objects) {
    if (object.kind !== "RoleBinding" && object.kind !== "ClusterRoleBinding") continue;
    const binding = object as RoleBinding;
    const role = grants.get(`${binding.roleRef.kind}/${binding.roleRef.kind === "Role" ? (binding.metadata?.namespace ?? "") : ""}/${binding.roleRef.name}`);
    if (!role) continue;
    const scope = object.kind === "ClusterRoleBinding" ? "*" : (binding.metadata?.namespace ?? "");
    for (const subject of binding.subjects ?? []) {
      if (subject.kind !== "ServiceAccount") continue;
      const who = `${subject.namespace ?? binding.metadata?.namespace ?? ""}/${subject.name}`;
      for (const [kind, list] of Object.entries(role) as [GrantKind, string[]][]) {
        const held = holders.get(`${who} ${kind}`) ?? { who, kind, scopes: new Map<string, Set<string>>() };
        const there = held.scopes.get(scope) ?? new Set<string>();
        for (const grant of list) there.add(grant);
        held.scopes.set(scope, there);
        holders.set(`${who} ${kind}`, held);
      }
    }
  }
  for (const { who, kind, scopes } of holders.values()) {
    if (!Object.hasOwn(NOTES, kind)) continue;
    const held = new Set([...scopes.values()].flatMap((grants) => [...grants]));
    notes.push(NOTES[kind as EscalationKind](who, [...held].join(", "), scopeText(scopes.keys())));
  }
  notes.push(...secretTokenNotes(holders));
  notes.push(...scopeNotes(objects, scopes));
  notes.push(...webhookNotes(objects));
  return notes;
}

/**
 * The note of each ServiceAccount that may create Secrets and read Secrets (named or not) in a
 * namespace both apply in: the grants that meet there, and those namespaces.
 */
function secretTokenNotes(holders: ReadonlyMap<string, Held>): string[] {
  const notes: string[] = [];
  for (const creates of holders.values()) {
    const reads = creates.kind === "secret-creates" ? holders.get(`${creates.who} secret-reads`) : undefined;
    if (!reads) continue;
    const [createGrants, readGrants, where] = [new Set<string>(), new Set<string>(), new Set<string>()];
    for (const [createScope, created] of creates.scopes) {
      for (const [readScope, read] of reads.scopes) {
        const scope = meet(createScope, readScope);
        if (scope === undefined) continue;
        where.add(scope);
        for (const grant of created) createGrants.add(grant);
        for (const grant of read) readGrants.add(grant);
      }
    }
    if (where.size) notes.push(secretTokenNote(creates.who, [...createGrants, ...readGrants].join(", "), scopeText(where)));
  }
  return notes;
}

/**
 * The custom resources a Role in its ServiceAccount's namespace (named after it: the rules
 * without `namespace`) grants whose scope `scopes` does not say: as `resource.group`, sorted.
 */
function undeclaredResources(role: Role, scopes: ResourceScopes): string[] {
  const out = new Set<string>();
  for (const rule of role.rules ?? []) {
    for (const group of rule.apiGroups ?? []) {
      if (group === "*" || isBuiltInGroup(group)) continue;
      for (const resource of rule.resources ?? []) {
        if (resource !== "*" && !scopes.has(scopeKey(group, resource))) out.add(`${resource.split("/")[0]}.${group}`);
      }
    }
  }
  return [...out].sort();
}

/**
 * The note of each Role in its ServiceAccount's namespace granting custom resources of unknown
 * scope: rules without `namespace` are granted there, which is right for a namespaced resource
 * and grants nothing on a cluster-scoped one.
 */
function scopeNotes(objects: readonly KubeObject[], scopes: ResourceScopes): string[] {
  return objects.flatMap((object) => {
    const { name = "", namespace = "" } = object.metadata ?? {};
    // A Role in another namespace is named `<home>:<account>`: its rules named that namespace.
    if (object.kind !== "Role" || name.includes(":")) return [];
    const resources = undeclaredResources(object as Role, scopes);
    if (resources.length === 0) return [];
    const one = resources.length === 1;
    return [
      `ServiceAccount ${namespace}/${name} is granted ${resources.join(", ")} in namespace ${namespace} only (permissions without namespace): podfn knows the scope of built-in resources alone, and a Role grants nothing on a cluster-scoped one (its calls get 403 Forbidden); if ${one ? "it is" : "one is"} cluster-scoped, give its rule namespace: "*" (a ClusterRole); ${one ? "if namespaced, the Role is right" : "the namespaced ones are right as they are"}`,
    ];
  });
}

/**
 * The admission webhook configurations' note: they act on the whole cluster (whoever applies
 * them needs rights on admissionregistration.k8s.io; no podfn ServiceAccount holds any), their TLS
 * needs cert-manager, and a `Fail` webhook refuses what it matches while its pods are down.
 */
function webhookNotes(objects: readonly KubeObject[]): string[] {
  const configurations = objects.filter((o) => o.kind === "ValidatingWebhookConfiguration" || o.kind === "MutatingWebhookConfiguration");
  if (configurations.length === 0) return [];
  const webhooks = configurations.flatMap((o) => ((o as { webhooks?: { name: string; failurePolicy?: string }[] }).webhooks ?? []));
  const failing = webhooks.filter((w) => w.failurePolicy !== "Ignore").map((w) => w.name);
  const names = configurations.map((o) => `${o.kind} ${o.metadata?.name}`).join(", ");
  return [
    `${names} ${configurations.length === 1 ? "is a cluster-wide object" : "are cluster-wide objects"}: applying ${configurations.length === 1 ? "it" : "them"} takes rights on admissionregistration.k8s.io (a cluster admin's; no podfn ServiceAccount is granted any), and ${configurations.length === 1 ? "its" : "their"} TLS needs cert-manager installed (admission.yaml's Issuer and Certificate)` +
      (failing.length ? `; ${failing.join(", ")} (failurePolicy Fail) refuse${failing.length === 1 ? "s" : ""} the requests ${failing.length === 1 ? "it matches" : "they match"} while the HTTP pods are down` : ""),
  ];
}
