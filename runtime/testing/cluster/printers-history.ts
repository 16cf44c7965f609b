/**
 * @module cluster/printers-history
 * 1.32's server-side printers of the workload-history types (pkg/printers/internalversion):
 * a PodTemplate's template (its containers, images and pod labels) and a ControllerRevision's
 * controller (`kind.group/name` of its controller reference, `<none>` without one) and revision.
 */
import { AGE, age, col, containerCells, CONTAINERS_DOC, formatLabels, IMAGES_DOC, NAME, NAME_DOC, type Obj, type Printer } from "./printer-columns.js";

/** formatResourceName with the kind: `statefulset.apps/web` (a core kind without a group). */
function controllerName(o: Obj): string {
  const ref = ((o.metadata?.ownerReferences ?? []) as Obj[]).find((r) => r.controller === true);
  if (!ref) return "<none>";
  const apiVersion = String(ref.apiVersion ?? "");
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
  const kind = String(ref.kind ?? "");
  if (!group && !kind) return String(ref.name ?? "");
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${ref.name ?? ""}`;
}

export const HISTORY_PRINTERS: Record<string, Printer> = {
  "/podtemplates": {
    columns: [col("Template", NAME_DOC, "string", 0, "name"), col("Containers", CONTAINERS_DOC), col("Images", IMAGES_DOC), col("Pod Labels", "The labels for the pod template.")],
    cells: (o) => [o.metadata.name, ...containerCells(o.template?.spec), formatLabels(o.template?.metadata?.labels)],
  },
  "apps/controllerrevisions": {
    columns: [NAME, col("Controller", "Controller of the object"), col("Revision", "Revision indicates the revision of the state represented by Data."), AGE],
    cells: (o, now) => [o.metadata.name, controllerName(o), o.revision ?? 0, age(o, now)],
  },
};
