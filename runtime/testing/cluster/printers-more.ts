/**
 * @module cluster/printers-more
 * More 1.32 printers (pkg/printers/internalversion/printers.go), each with its real columns and
 * cells: PodDisruptionBudgets (`N/A` for an unset bound) and StatefulSets (Ready as
 * `ready/desired`, wide Containers and Images).
 */
import { AGE, age, col, containerCells, CONTAINERS_DOC, IMAGES_DOC, NAME, type Obj, type Printer } from "./printer-columns.js";

/** `intstr.IntOrString.String()`, or `N/A` when unset (`printPodDisruptionBudget`). */
function intOrString(value: unknown): string {
  return value === undefined || value === null ? "N/A" : String(value);
}

/** Printers by `group/resource`. */
export const MORE_PRINTERS: Record<string, Printer> = {
  "policy/poddisruptionbudgets": {
    columns: [
      NAME,
      col("Min Available", "The minimum number of pods that must be available."),
      col("Max Unavailable", "The maximum number of pods that may be unavailable."),
      col("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time.", "integer"),
      AGE,
    ],
    cells: (o: Obj, now) => [o.metadata.name, intOrString(o.spec?.minAvailable), intOrString(o.spec?.maxUnavailable), o.status?.disruptionsAllowed ?? 0, age(o, now)],
  },
  "apps/statefulsets": {
    columns: [NAME, col("Ready", "Number of the pod with ready state"), AGE, col("Containers", CONTAINERS_DOC, "string", 1), col("Images", IMAGES_DOC, "string", 1)],
    cells: (o: Obj, now) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, age(o, now), ...containerCells(o.spec?.template?.spec)],
  },
};
