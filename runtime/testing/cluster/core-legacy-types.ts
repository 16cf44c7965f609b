/**
 * @module cluster/core-legacy-types
 * core/v1 PersistentVolumes and ReplicationControllers, served so that what lists every type
 * kubectl's default prune allowlist names (`kubectl apply --prune` without
 * `--prune-allowlist`) finds them: 1.32's defaults and create strategy, no spec validation
 * beyond metadata. A PersistentVolume's reclaim policy defaults to Retain and its volume mode to
 * Filesystem; it is created Pending with `lastPhaseTransitionTime` (the strategy's
 * PrepareForCreate). A ReplicationController's selector and labels default to its template's
 * labels, its replicas to 1, its pod template as a workload's.
 */
import { defaultTemplate } from "./defaults.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** SetDefaults_PersistentVolume (the status phase set by the strategy first). */
export function defaultPersistentVolume(pv: Obj): void {
  pv.spec ??= {};
  pv.spec.persistentVolumeReclaimPolicy ||= "Retain";
  pv.spec.volumeMode ??= "Filesystem";
  pv.status ??= {};
  pv.status.phase ||= "Pending";
}

/** persistentvolumeStrategy.PrepareForCreate: a new volume is Pending since now. */
export function preparePersistentVolumeCreate(pv: Obj): void {
  pv.status = { phase: "Pending", lastPhaseTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z") };
}

/** SetDefaults_ReplicationController, then the pod template's defaults. */
export function defaultReplicationController(rc: Obj): void {
  rc.spec ??= {};
  const labels = rc.spec.template?.metadata?.labels;
  if (labels && typeof labels === "object") {
    if (Object.keys(rc.spec.selector ?? {}).length === 0) rc.spec.selector = { ...labels };
    rc.metadata ??= {};
    if (Object.keys(rc.metadata.labels ?? {}).length === 0) rc.metadata.labels = { ...labels };
  }
  rc.spec.replicas ??= 1;
  defaultTemplate(rc.spec.template);
  rc.status ??= { replicas: 0 };
}
