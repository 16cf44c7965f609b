/**
 * @module deploy/pod
 * The pod spec every podfn workload shares: non-root, read-only root filesystem, no privilege
 * escalation, no capabilities, the runtime's default seccomp profile, an `emptyDir` at /tmp, the
 * namespace and pod name from the downward API, a grace period longer than the drain, the
 * caller-auth secrets as files (never environment variables), no service-link variables, and
 * the termination message falling back to the log's end when podfn wrote none.
 */
import type { Container, EnvVar, PodSpec, ResourceRequirements, Volume, VolumeMount } from "kubernetes-types/core/v1.js";
import { DRAIN_TIMEOUT_MS, IMAGE_PULL_POLICY, RUN_AS_USER, SECRET_KEY, SECRETS_DIR, terminationGraceSeconds } from "./options.js";

export interface PodOptions {
  serviceAccount: string;
  /** Mount the ServiceAccount token: only for workloads that call the API. */
  automountToken: boolean;
  image: string;
  /** Arguments of the `podfn` entrypoint, e.g. `["serve"]`. */
  args: string[];
  /** Extra environment (after the common variables). */
  env?: EnvVar[];
  /** How long a serving pod goes on serving after SIGTERM (`PODFN_SHUTDOWN_DELAY_MS`); counted into its grace period. */
  shutdownDelayMs?: number;
  /** `PODFN_DRAIN_TIMEOUT_MS`. Default `DRAIN_TIMEOUT_MS`. */
  drainTimeoutMs?: number;
  /** The longest `timeoutMs` of calls that settle beside the drain (watches, in-process schedules); counted into the grace period. */
  backgroundMs?: number;
  /** CPU and memory of the container (deploy/resources). */
  resources: ResourceRequirements;
  /** Names of Kubernetes Secrets to mount at `/var/run/secrets/podfn/<name>`. */
  secrets?: string[];
  /** More volumes, each mounted read-only at its path (the admission webhooks' certificate Secret). */
  mounts?: { volume: Volume; path: string }[];
  /** Fields merged into the container (ports, probes). */
  container?: Partial<Container>;
  /** Fields merged into the pod spec (restartPolicy). */
  pod?: Partial<PodSpec>;
}

// `apiVersion` written as the server defaults it: the struct is atomic, so a server-side apply after a
// client-side one would otherwise conflict on the default (as on 1.32: kubectl apply --server-side).
const fromField = (name: string, fieldPath: string): EnvVar => ({ name, valueFrom: { fieldRef: { apiVersion: "v1", fieldPath } } });


/**
 * A pod spec running the podfn image.
 *
 * @example
 * podSpec({ serviceAccount: "podfn-http", automountToken: true, image: "podfn:1", args: ["serve"] });
 */
export function podSpec(options: PodOptions): PodSpec {
  const secrets = [...new Set(options.secrets ?? [])].sort();
  const volumes: Volume[] = [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }];
  const mounts: VolumeMount[] = [{ name: "tmp", mountPath: "/tmp" }];
  if (secrets.length > 0) {
    volumes.push({
      name: "podfn-secrets",
      projected: {
        defaultMode: 0o440,
        sources: secrets.map((name) => ({ secret: { name, optional: false, items: [{ key: SECRET_KEY, path: name }] } })),
      },
    });
    mounts.push({ name: "podfn-secrets", mountPath: SECRETS_DIR, readOnly: true });
  }
  for (const { volume, path } of options.mounts ?? []) {
    volumes.push(volume);
    mounts.push({ name: volume.name, mountPath: path, readOnly: true });
  }
  const drainTimeoutMs = options.drainTimeoutMs ?? DRAIN_TIMEOUT_MS;
  const env: EnvVar[] = [
    fromField("POD_NAME", "metadata.name"),
    fromField("POD_NAMESPACE", "metadata.namespace"),
    fromField("PODFN_NAMESPACE", "metadata.namespace"),
    { name: "PODFN_DRAIN_TIMEOUT_MS", value: String(drainTimeoutMs) },
    ...(options.shutdownDelayMs !== undefined ? [{ name: "PODFN_SHUTDOWN_DELAY_MS", value: String(options.shutdownDelayMs) }] : []),
    ...(options.env ?? []),
  ];
  return {
    serviceAccountName: options.serviceAccount,
    automountServiceAccountToken: options.automountToken,
    // No variable per Service of the namespace (the kubelet's default): a Service named
    // podfn-admission would set PODFN_ADMISSION_PORT=tcp://… and serve would refuse it.
    enableServiceLinks: false,
    terminationGracePeriodSeconds: terminationGraceSeconds({ shutdownDelayMs: options.shutdownDelayMs ?? 0, drainTimeoutMs, backgroundMs: options.backgroundMs ?? 0 }),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUN_AS_USER,
      runAsGroup: RUN_AS_USER,
      fsGroup: RUN_AS_USER,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containers: [
      {
        name: "podfn",
        image: options.image,
        imagePullPolicy: IMAGE_PULL_POLICY,
        args: options.args,
        env,
        resources: options.resources,
        // podfn writes why a run or serve failed to /dev/termination-log; a process killed
        // before it could (a crash, an OOM kill's log) leaves the end of its log there instead.
        terminationMessagePolicy: "FallbackToLogsOnError",
        securityContext: {
          runAsNonRoot: true,
          runAsUser: RUN_AS_USER,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        },
        volumeMounts: mounts,
        ...options.container,
      },
    ],
    volumes,
    ...options.pod,
  };
}
