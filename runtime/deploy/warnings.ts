/**
 * @module deploy/warnings
 * What `podfn manifests` says about manifests that are valid but likely not what is meant:
 * - an image on a moving tag (`:latest` or none) that pods pull `IfNotPresent`: nodes run
 *   whichever build they pulled first;
 * - a ServiceAccount granted to write pod templates (create/update/patch of pods (whose images
 *   may change), Deployments, CronJobs, ...; create of Jobs, whose template is then fixed; without
 *   `resourceNames`): RBAC does not check the `serviceAccountName` or image of
 *   a template, so that workload can run any image as any ServiceAccount of the namespace — it
 *   holds, in effect, all their rights, and least privilege stops at the namespace's edge.
 */
import type { PolicyRule, RoleBinding } from "kubernetes-types/rbac/v1.js";
import type { KubeObject } from "../kube/api.js";

const WRITES = ["create", "update", "patch"];
/** Resources whose writers choose what a pod runs and as whom, by API group, and the verbs that do. */
const POD_TEMPLATE_RESOURCES: Record<string, Record<string, readonly string[]>> = {
  "": { pods: WRITES, replicationcontrollers: WRITES },
  apps: { deployments: WRITES, replicasets: WRITES, statefulsets: WRITES, daemonsets: WRITES },
  // A Job's template cannot change once created.
  batch: { jobs: ["create"], cronjobs: WRITES },
};

/** `deployments.apps`, `pods`. */
const qualified = (group: string, resource: string) => (group ? `${resource}.${group}` : resource);

/** The pod-template writes a rule grants without naming objects: `patch deployments.apps`, ... */
function templateWrites(rule: PolicyRule): string[] {
  if (rule.resourceNames?.length) return [];
  const found: string[] = [];
  for (const [group, resources] of Object.entries(POD_TEMPLATE_RESOURCES)) {
    if (!(rule.apiGroups ?? []).some((g) => g === group || g === "*")) continue;
    for (const [resource, writes] of Object.entries(resources)) {
      if (!(rule.resources ?? []).some((r) => r === resource || r === "*")) continue;
      for (const verb of writes) if (rule.verbs.includes(verb) || rule.verbs.includes("*")) found.push(`${verb} ${qualified(group, resource)}`);
    }
  }
  return found;
}

/** Whether the image names a fixed build: a digest, or a tag other than `latest`. */
function isPinned(image: string): boolean {
  if (image.includes("@")) return true;
  const last = image.slice(image.lastIndexOf("/") + 1);
  const colon = last.lastIndexOf(":");
  return colon !== -1 && last.slice(colon + 1) !== "latest";
}

/**
 * The notes about `objects` (every generated object) and `image`, one line each.
 *
 * @example
 * for (const note of manifestWarnings(groups.flatMap((g) => g.objects), "podfn:latest")) io.stderr(`note: ${note}\n`);
 */
export function manifestWarnings(objects: readonly KubeObject[], image: string): string[] {
  const notes: string[] = [];
  if (!isPinned(image)) {
    notes.push(`--image ${image} is a moving tag, and pods pull IfNotPresent: each node runs the build it pulled first; give a version tag or a digest (registry.example.com/ops/podfn:1.0)`);
  }
  const grants = new Map<string, string[]>();
  for (const object of objects) {
    if (object.kind !== "Role" && object.kind !== "ClusterRole") continue;
    const writes = ((object as { rules?: PolicyRule[] }).rules ?? []).flatMap(templateWrites);
    if (writes.length) grants.set(`${object.kind}/${object.metadata?.name ?? ""}`, writes);
  }
  const holders = new Map<string, Set<string>>();
  for (const object of objects) {
    if (object.kind !== "RoleBinding" && object.kind !== "ClusterRoleBinding") continue;
    const binding = object as RoleBinding;
    const writes = grants.get(`${binding.roleRef.kind}/${binding.roleRef.name}`);
    if (!writes) continue;
    for (const subject of binding.subjects ?? []) {
      if (subject.kind !== "ServiceAccount") continue;
      const who = `${subject.namespace ?? binding.metadata?.namespace ?? ""}/${subject.name}`;
      holders.set(who, new Set([...(holders.get(who) ?? []), ...writes]));
    }
  }
  for (const [who, writes] of holders) {
    const namespace = who.slice(0, who.indexOf("/"));
    notes.push(
      `ServiceAccount ${who} may write pod templates (${[...writes].join(", ")}): RBAC does not check a template's image or serviceAccountName, so it can run any image as any ServiceAccount of namespace ${namespace}, holding their rights too; deploy podfn in a namespace of its own, or narrow the rule (resourceNames, or a subresource such as deployments/scale)`,
    );
  }
  return notes;
}
