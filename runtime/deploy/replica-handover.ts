/**
 * @module deploy/replica-handover
 * The note for a Deployment whose replicas pass to a new HorizontalPodAutoscaler. Its manifests
 * then leave `spec.replicas` out (so an apply never fights the autoscaler), but `kubectl apply`
 * removes a field its last applied configuration holds and the new one lacks: the API server
 * defaults it to 1, and the Deployment drops to one replica until the autoscaler scales it up
 * again. Kubernetes' guide to migrating a Deployment to autoscaling takes `spec.replicas` out of
 * the last applied configuration first; `podfn manifests` says so, comparing the manifests it
 * wrote before in `--out` with the new ones.
 */
import type { KubeObject } from "../kube/api.js";

const key = (object: KubeObject) => `${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;
const replicasOf = (object: KubeObject): unknown => (object as { spec?: { replicas?: unknown } }).spec?.replicas;

/**
 * One note per Deployment of `next` without `spec.replicas` whose namesake in `previous` (the
 * objects of the files generated before) had them.
 *
 * @example
 * for (const note of replicaHandoverNotes(before, groups.flatMap((g) => g.objects))) io.stderr(`note: ${note}\n`);
 */
export function replicaHandoverNotes(previous: readonly KubeObject[], next: readonly KubeObject[]): string[] {
  const before = new Map(previous.filter((o) => o.kind === "Deployment" && replicasOf(o) !== undefined).map((o) => [key(o), replicasOf(o)]));
  const notes: string[] = [];
  for (const deployment of next) {
    if (deployment.kind !== "Deployment" || replicasOf(deployment) !== undefined) continue;
    const replicas = before.get(key(deployment));
    if (replicas === undefined) continue;
    const { name = "", namespace = "" } = deployment.metadata ?? {};
    notes.push(
      `Deployment ${namespace}/${name}: its replicas are now the HorizontalPodAutoscaler's, and spec.replicas (${String(replicas)}) leaves the manifests: ` +
        `kubectl apply removes it, and the Deployment drops to 1 replica until the autoscaler scales it up again; ` +
        `before applying, take spec.replicas out of its last applied configuration: kubectl apply edit-last-applied deployment/${name} -n ${namespace}`,
    );
  }
  return notes;
}
