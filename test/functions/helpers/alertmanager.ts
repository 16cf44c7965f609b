/**
 * @module test/functions/helpers/alertmanager
 * Alertmanager webhook payloads (version 4), as Alertmanager sends them.
 */

export interface AlertSeed {
  fingerprint: string;
  status?: "firing" | "resolved";
  labels?: Record<string, string>;
}

/** A notification of one group carrying `alerts`. */
export function notification(alerts: AlertSeed[]) {
  const startsAt = new Date(Date.now() - 300_000).toISOString();
  return {
    version: "4",
    groupKey: '{}:{alertname="PodCrashLooping"}',
    truncatedAlerts: 0,
    status: alerts.some((a) => (a.status ?? "firing") === "firing") ? "firing" : "resolved",
    receiver: "podfn",
    groupLabels: { alertname: "PodCrashLooping" },
    commonLabels: { alertname: "PodCrashLooping" },
    commonAnnotations: {},
    externalURL: "http://alertmanager.monitoring:9093",
    alerts: alerts.map((a) => ({
      status: a.status ?? "firing",
      labels: { alertname: "PodCrashLooping", ...a.labels },
      annotations: { summary: "pods crash looping" },
      startsAt,
      endsAt: a.status === "resolved" ? new Date().toISOString() : "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.monitoring:9090/graph?g0.expr=up",
      fingerprint: a.fingerprint,
    })),
  };
}
