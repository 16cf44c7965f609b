/**
 * @module alertmanager-webhook
 * Restarts a Deployment when Alertmanager says so. For each firing alert labelled
 * `action=restart`, `namespace=<ns>` and `deployment=<name>`, it does what
 * `kubectl rollout restart deployment/<name> -n <ns>` does, at most once per Deployment
 * within a cool-down, so a flapping alert or a re-sent notification cannot restart in a loop.
 *
 * The cool-down lives in the cluster, on the Deployment itself, as the annotation
 * `podfn.dev/restarted-for: <fingerprint>@<ISO time>`, so it holds across restarts and
 * replicas of this function. The annotation and the restart (the pod template's
 * `kubectl.kubernetes.io/restartedAt`) are written together in one resourceVersion-checked
 * update: of two replicas handling the same alert, one wins, the other sees the annotation and
 * skips; and a failed write records neither, so Alertmanager's re-delivery restarts.
 * It answers synchronously on purpose: with `http: { async: true }` a failed write would be
 * answered 202 before it failed, and Alertmanager would never send it again.
 *
 * Input: Alertmanager's webhook payload, version 4 (JSON body).
 * Output: one outcome per alert: `{fingerprint, outcome: "restarted" | "skipped", reason?}`.
 *
 * Configuration (environment, read once at start):
 * - `ALERTMANAGER_ALLOWED_NAMESPACES`: comma-separated namespaces whose Deployments may be
 *   restarted. Default: the function's own. The permissions below follow this list, so set
 *   it alike where `podfn manifests` runs.
 * - `ALERTMANAGER_COOLDOWN_MINUTES`: Default 10 (also when set but empty); 0 turns the cool-down off.
 *
 * Permissions: get and update Deployments, in each allowed namespace.
 * Secrets: `alertmanager-token`. In alertmanager.yml:
 *   receivers:
 *     - name: podfn
 *       webhook_configs:
 *         - url: http://podfn-http.<ns>.svc/alertmanager-webhook   # the manifests' Service (`<app>-http`, port 80)
 *           http_config: { authorization: { credentials_file: /etc/alertmanager/podfn-token } }
 */
import { z } from "zod";
import { defineFunction, isKubeError, retryOnConflict } from "podfn";
import type { KubeClient } from "podfn";
import type { Deployment } from "kubernetes-types/apps/v1.js";

/** The annotation holding `<fingerprint>@<ISO time>` of the last restart. */
export const RESTARTED_FOR = "podfn.dev/restarted-for";
/** The pod template annotation `kubectl rollout restart` sets (RFC 3339, to the second). */
const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

const allowedNamespaces = (process.env.ALERTMANAGER_ALLOWED_NAMESPACES ?? "").split(",").map((n) => n.trim()).filter(Boolean);
// Empty counts as unset: `Number("")` would be 0, silently turning the cool-down off.
const cooldownMs = Number(process.env.ALERTMANAGER_COOLDOWN_MINUTES?.trim() || "10") * 60_000;
if (!Number.isFinite(cooldownMs) || cooldownMs < 0) throw new Error("ALERTMANAGER_COOLDOWN_MINUTES must be a number of minutes ≥ 0");

const labels = z.record(z.string(), z.string());
const alertSchema = z.object({
  status: z.enum(["firing", "resolved"]),
  labels,
  annotations: labels.default({}),
  startsAt: z.string(),
  endsAt: z.string(),
  generatorURL: z.string(),
  fingerprint: z.string().min(1),
});

/** Alertmanager's webhook payload, version 4. */
const payload = z.object({
  version: z.literal("4"),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string(),
  groupLabels: labels,
  commonLabels: labels,
  commonAnnotations: labels,
  externalURL: z.string(),
  // Bounded, as every array an HTTP input takes should be: zod checks the length first, where
  // 60,000 bad alerts in a 1 MB body would cost it hundreds of MB to list one by one. Keep
  // Alertmanager's `max_alerts` at or below it (it then counts the rest in truncatedAlerts).
  alerts: z.array(alertSchema).max(1000),
});

type Outcome = { fingerprint: string; namespace?: string; deployment?: string; outcome: "restarted" | "skipped"; reason?: string };

/** Why the last restart recorded on `deployment` still holds, or undefined when it does not. */
function coolingDown(deployment: Deployment, now: number): string | undefined {
  const recorded = deployment.metadata?.annotations?.[RESTARTED_FOR];
  const at = recorded ? Date.parse(recorded.slice(recorded.lastIndexOf("@") + 1)) : NaN;
  if (Number.isNaN(at) || now - at >= cooldownMs) return undefined;
  return `cool-down: restarted for ${recorded!.slice(0, recorded!.lastIndexOf("@"))} at ${new Date(at).toISOString()}`;
}

/**
 * Records the restart on the Deployment and restarts it, in one update checked against its
 * resourceVersion. Returns the reason to skip when another restart is still cooling down.
 */
function claimAndRestart(kube: KubeClient, namespace: string, name: string, fingerprint: string): Promise<string | undefined> {
  // A conflict means someone else wrote the Deployment first: read it again and decide again.
  return retryOnConflict(async () => {
    const deployment = await kube.deployments.get(name, { namespace });
    const now = Date.now();
    const cooling = coolingDown(deployment, now);
    if (cooling) return cooling;
    const annotations = { ...deployment.metadata?.annotations, [RESTARTED_FOR]: `${fingerprint}@${new Date(now).toISOString()}` };
    const spec = deployment.spec!;
    const template = { ...spec.template, metadata: { ...spec.template.metadata, annotations: { ...spec.template.metadata?.annotations, [RESTARTED_AT]: new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z") } } };
    await kube.deployments.replace({ ...deployment, metadata: { ...deployment.metadata, annotations }, spec: { ...spec, template } }, { namespace });
    return undefined;
  });
}

/** What to do about one alert, and doing it. */
async function handleAlert(kube: KubeClient, allowed: string[], alert: z.output<typeof alertSchema>): Promise<Outcome> {
  const { fingerprint, labels: l } = alert;
  if (alert.status !== "firing") return { fingerprint, outcome: "skipped", reason: "resolved" };
  if (l.action !== "restart" || !l.namespace || !l.deployment) {
    return { fingerprint, outcome: "skipped", reason: "not a restart alert (needs labels action=restart, namespace, deployment)" };
  }
  const target = { fingerprint, namespace: l.namespace, deployment: l.deployment };
  if (!allowed.includes(l.namespace)) return { ...target, outcome: "skipped", reason: `namespace ${l.namespace} is not allowed (ALERTMANAGER_ALLOWED_NAMESPACES)` };
  try {
    const reason = await claimAndRestart(kube, l.namespace, l.deployment, fingerprint);
    return reason ? { ...target, outcome: "skipped", reason } : { ...target, outcome: "restarted" };
  } catch (error) {
    if (isKubeError(error, "kube_not_found")) return { ...target, outcome: "skipped", reason: "deployment not found" };
    throw error;
  }
}

export default defineFunction({
  name: "alertmanager-webhook",
  description: "Restart the Deployment an Alertmanager alert names (action=restart), once per cool-down",
  // Copied into the pod by `podfn manifests`: the permissions below depend on the first.
  env: ["ALERTMANAGER_ALLOWED_NAMESPACES", "ALERTMANAGER_COOLDOWN_MINUTES"],
  permissions: (allowedNamespaces.length > 0 ? allowedNamespaces : [undefined]).map((namespace) => ({
    apiGroups: ["apps"],
    resources: ["deployments"],
    verbs: ["get", "update"],
    ...(namespace ? { namespace } : {}),
  })),
  http: { method: "POST", auth: { type: "bearer", secret: "alertmanager-token" } },
  input: payload,
  async handler({ input, kube, namespace, log }) {
    const allowed = allowedNamespaces.length > 0 ? allowedNamespaces : [namespace];
    const results: Outcome[] = [];
    for (const alert of input.alerts) {
      const result = await handleAlert(kube, allowed, alert);
      if (result.outcome === "restarted") log.info(result, "restarted deployment for alert");
      results.push(result);
    }
    return { results };
  },
});
