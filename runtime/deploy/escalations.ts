/**
 * @module deploy/escalations
 * The grants of an RBAC rule that reach past what the rule names — least privilege ends at the
 * namespace's edge for a workload holding one:
 * - writing pod templates (create/update/patch of pods, Deployments, CronJobs, ...; create of
 *   Jobs, whose template is then fixed), named objects or not: RBAC checks neither a template's
 *   image nor its `serviceAccountName`, and `resourceNames` limit which objects, not what they
 *   run;
 * - running commands in pods (`pods/exec`, `pods/attach`, ephemeral containers; `nodes/proxy`,
 *   the kubelet's API, in any pod of every node whatever its namespace): the pod's
 *   ServiceAccount and mounted Secrets come with it;
 * - minting tokens (`create serviceaccounts/token`): acting as those ServiceAccounts;
 * - reading Secrets without naming them: every credential kept in the namespace;
 * - overwriting Secrets without naming them: a route's caller-auth Secret set to a value it
 *   knows lets it call that route, with the rights of the workload serving it (a webhook's
 *   serving certificate, another controller's credentials likewise).
 * And the grants that escalate only together (`secretGrants`): creating Secrets and reading
 * them, named or not, in one namespace — the tokens controller fills a
 * `kubernetes.io/service-account-token` Secret annotated `kubernetes.io/service-account.name`
 * with a token of that ServiceAccount, and its creator chose its name.
 */
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";

/** What a grant lets its holder do beyond the rule's own objects. */
export type EscalationKind = "pod-templates" | "pod-commands" | "tokens" | "secrets" | "secret-writes";

const WRITES = ["create", "update", "patch"];
const READS = ["get", "list", "watch"];

/** Each grant that escalates, by kind: API group → resource → verbs. */
const GRANTS: Record<EscalationKind, Record<string, Record<string, readonly string[]>>> = {
  "pod-templates": {
    "": { pods: WRITES, replicationcontrollers: WRITES, podtemplates: WRITES },
    apps: { deployments: WRITES, replicasets: WRITES, statefulsets: WRITES, daemonsets: WRITES },
    // A Job's template cannot change once created.
    batch: { jobs: ["create"], cronjobs: WRITES },
  },
  // Exec and attach are authorized as create, WebSocket upgrades included (1.32's default).
  // The kubelet authorizes its own API (exec, run, attach, port-forward: POST, and GET for a
  // WebSocket upgrade) as get and create of nodes/proxy, which no pods/exec rule then checks.
  "pod-commands": { "": { "pods/exec": ["create"], "pods/attach": ["create"], "pods/ephemeralcontainers": ["update", "patch"], "nodes/proxy": ["get", "create"] } },
  tokens: { "": { "serviceaccounts/token": ["create"] } },
  secrets: { "": { secrets: READS } },
  "secret-writes": { "": { secrets: ["update", "patch"] } },
};

/** Grants that escalate only when held together in a namespace: see `secretGrants`. */
export type SecretGrantKind = "secret-creates" | "secret-reads";

/** Each such grant, by kind: API group → resource → verbs. */
const SECRET_GRANTS: Record<SecretGrantKind, Record<string, Record<string, readonly string[]>>> = {
  "secret-creates": { "": { secrets: ["create"] } },
  "secret-reads": { "": { secrets: READS } },
};

/** `deployments.apps`, `pods`. */
const qualified = (group: string, resource: string) => (group ? `${resource}.${group}` : resource);

/** Whether `rule` names `resource`: itself, every resource, or for a subresource every resource's. */
function covers(rule: PolicyRule, group: string, resource: string): boolean {
  if (!(rule.apiGroups ?? []).some((g) => g === group || g === "*")) return false;
  const slash = resource.indexOf("/");
  return (rule.resources ?? []).some((r) => r === resource || r === "*" || (slash > 0 && r === `*${resource.slice(slash)}`));
}

/**
 * The escalating grants of `rule` by kind, each as `verb resource` (`patch deployments.apps`),
 * with the objects named when the rule names them (`patch deployments.apps named web`). Secrets
 * read or overwritten by name are not escalations.
 *
 * @example
 * escalations({ apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] }); // { "pod-templates": ["patch deployments.apps"] }
 */
export function escalations(rule: PolicyRule): Partial<Record<EscalationKind, string[]>> {
  const named = Boolean(rule.resourceNames?.length);
  // Secrets read or overwritten by name are not escalations.
  return granted(rule, GRANTS, (kind) => !named || (kind !== "secrets" && kind !== "secret-writes"));
}

/**
 * The grants of `rule` that escalate when held together in a namespace, by kind, as
 * `escalations` shows them: creating Secrets (a create never matches `resourceNames`, as in
 * RBAC: the request has no name yet) and reading them, named or not.
 *
 * @example
 * secretGrants({ apiGroups: [""], resources: ["secrets"], verbs: ["create", "get"], resourceNames: ["x"] }); // { "secret-reads": ["get secrets named x"] }
 */
export function secretGrants(rule: PolicyRule): Partial<Record<SecretGrantKind, string[]>> {
  const named = Boolean(rule.resourceNames?.length);
  return granted(rule, SECRET_GRANTS, (kind) => !named || kind !== "secret-creates");
}

/** The grants of `rule` among `table`'s, by kind, for the kinds `counts` keeps. */
function granted<Kind extends string>(rule: PolicyRule, table: Record<Kind, Record<string, Record<string, readonly string[]>>>, counts: (kind: Kind) => boolean): Partial<Record<Kind, string[]>> {
  const named = rule.resourceNames?.length ? ` named ${rule.resourceNames.join(", ")}` : "";
  const out: Partial<Record<Kind, string[]>> = {};
  for (const [kind, groups] of Object.entries(table) as [Kind, Record<string, Record<string, readonly string[]>>][]) {
    if (!counts(kind)) continue;
    for (const [group, resources] of Object.entries(groups)) {
      for (const [resource, verbs] of Object.entries(resources)) {
        if (!covers(rule, group, resource)) continue;
        for (const verb of verbs) if (rule.verbs.includes(verb) || rule.verbs.includes("*")) (out[kind] ??= []).push(`${verb} ${qualified(group, resource)}${named}`);
      }
    }
  }
  return out;
}
