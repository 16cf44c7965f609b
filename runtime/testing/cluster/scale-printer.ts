/**
 * @module cluster/scale-printer
 * The Table of a `scale` subresource: its ScaleREST converts with the resource's store, whose
 * printers (pkg/printers/internalversion, 1.32) print an autoscaling Scale with
 * `scaleColumnDefinitions` — Name (no `name` format), Desired, Available (integers) and Age —
 * and `printScale`'s cells; the rows' objects are autoscaling/v1 Scales.
 */
import { age, col, CREATED_DOC, NAME_DOC, type Obj, type Printer } from "./printer-columns.js";
import type { TableSource } from "./table.js";

const SCALE_PRINTER: Printer = {
  columns: [
    col("Name", NAME_DOC),
    col("Desired", "replicas is the desired number of instances for the scaled object.", "integer"),
    col("Available", "replicas is the actual number of observed instances of the scaled object.", "integer"),
    col("Age", CREATED_DOC),
  ],
  cells: (scale: Obj, now: number) => [scale.metadata?.name ?? "", scale.spec?.replicas ?? 0, scale.status?.replicas ?? 0, age(scale, now)],
};

/** What a Scale's Table is printed with. */
export const SCALE_TABLE: TableSource = { printer: SCALE_PRINTER, kind: "Scale", apiVersion: "autoscaling/v1" };
