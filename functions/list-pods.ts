/**
 * @module list-pods
 * The pods of the function's namespace: name, phase, node, restarts and age, every page of
 * the list (the client follows `continue` tokens).
 *
 * Input (query string):
 * - `labelSelector`: optional, e.g. `app=web,tier!=db`.
 * - `phase`: optional, one of Pending, Running, Succeeded, Failed, Unknown (filtered by the
 *   API server with the field selector `status.phase`).
 *
 * Permissions: list pods in its namespace.
 * Secrets: `api-token` (callers send `Authorization: Bearer <token>`).
 *
 * Call it:
 *   curl -H "Authorization: Bearer $(cat api-token)" 'localhost:8080/list-pods?phase=Running'
 */
import { z } from "zod";
import { defineFunction } from "podfn";
import type { Pod } from "kubernetes-types/core/v1.js";
import { asSelectorInput } from "./_selector-input.js";

const PHASES = ["Pending", "Running", "Succeeded", "Failed", "Unknown"] as const;

/** `93784` → `"1d2h"`, `42` → `"42s"`: the two largest units, as kubectl prints ages. */
export function formatAge(seconds: number): string {
  const units: [string, number][] = [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]];
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(seconds));
  for (const [unit, size] of units) {
    if (rest >= size || (unit === "s" && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join("");
}

function summary(pod: Pod, now: number) {
  const created = pod.metadata?.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : now;
  const ageSeconds = Math.max(0, Math.floor((now - created) / 1000));
  return {
    name: pod.metadata?.name ?? "",
    phase: pod.status?.phase ?? "Unknown",
    node: pod.spec?.nodeName ?? null,
    restarts: (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0),
    ageSeconds,
    age: formatAge(ageSeconds),
  };
}

export default defineFunction({
  name: "list-pods",
  description: "The pods of the function's namespace with phase, node, restarts and age",
  permissions: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
  http: { method: "GET", auth: { type: "bearer", secret: "api-token" } },
  // Strict: a misspelt query parameter (`?phse=`) is a 400 naming it, not a list of every pod.
  input: z.strictObject({
    labelSelector: z.string().max(1000).optional(),
    phase: z.enum(PHASES).optional(),
  }),
  async handler({ input, kube, namespace }) {
    const now = Date.now();
    const pods = [];
    const fieldSelector = input.phase ? `status.phase=${input.phase}` : undefined;
    try {
      for await (const pod of kube.pods.list({ labelSelector: input.labelSelector, fieldSelector })) pods.push(summary(pod, now));
    } catch (error) {
      throw asSelectorInput(error, "labelSelector");
    }
    return { namespace, count: pods.length, pods };
  },
});
