/**
 * @module made-watch
 * A watch: keeps the SHA-256 of each labelled ConfigMap's data in an annotation, written only
 * when it changed (so its own write calls it once more, and nothing follows).
 *
 * Try it: kubectl create configmap app --from-literal=a=1 && kubectl label configmap app example.com/checksum=true
 */
import { createHash } from "node:crypto";
import { defineFunction } from "podfn";

/** The label that opts a ConfigMap in. */
export const LABEL = "example.com/checksum";
/** The annotation the checksum is kept in. */
export const ANNOTATION = "example.com/data-sha256";

export default defineFunction({
  name: "made-watch",
  description: "Keep the checksum of labelled ConfigMaps' data in an annotation",
  permissions: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["patch"] }],
  watch: { resource: "configmaps", labelSelector: `${LABEL}=true`, events: ["ADDED", "MODIFIED"] },
  async handler({ trigger, kube, log }) {
    if (trigger.type !== "watch") return;
    const configMap = trigger.object;
    const data = Object.entries(configMap.data ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const sum = createHash("sha256").update(JSON.stringify(data)).digest("hex");
    if (configMap.metadata?.annotations?.[ANNOTATION] === sum) return;
    await kube.configMaps.patch(configMap.metadata!.name!, { metadata: { annotations: { [ANNOTATION]: sum } } });
    log.info({ configMap: configMap.metadata?.name }, "checksum written");
  },
});
