/**
 * @module cluster/crd-printer
 * The Table of a custom resource, as apiextensions' tableconvertor prints it: Name, then the
 * version's `additionalPrinterColumns` (none: `Age`, the creation time), each cell the first
 * result of its JSONPath (client-go's jsonpath, missing keys allowed: a missing value is
 * `null`), typed by the column: `string` printed as jsonpath prints it (a map or list as JSON,
 * JSON null as `<no value>`, other scalars as Go's `%v`), `integer` and `number` as numbers,
 * `boolean`, and `date` as an age (`<unknown>` for "" or "null", `<invalid>` if not RFC 3339). The paths
 * CRDs use are supported: fields, `[n]`, `[*]`, and filters `[?(@.a.b=="x")]` (`==`, `!=`).
 */
import { col, CREATED_DOC, NAME, since, type Column, type Obj, type Printer } from "./printer-columns.js";
import type { PrinterColumn } from "./resources.js";
import { goJson } from "./crd-schema-go.js";

/** serveDefaultColumnsIfEmpty. */
const DEFAULT_COLUMNS: PrinterColumn[] = [{ name: "Age", type: "date", description: CREATED_DOC, jsonPath: ".metadata.creationTimestamp" }];

type Step = { field: string } | { index: number } | { all: true } | { filter: { path: string[]; op: "==" | "!="; value: unknown } };

/** The steps of a simple JSONPath (`.spec.x`, `.items[0]`, `.conditions[?(@.type=="Ready")].status`); undefined if not one. */
export function parsePath(jsonPath: string): Step[] | undefined {
  const steps: Step[] = [];
  let rest = jsonPath.trim();
  while (rest.length) {
    let m: RegExpExecArray | null;
    if ((m = /^\.([A-Za-z0-9_$-]+)/.exec(rest))) steps.push({ field: m[1]! });
    else if ((m = /^\[(\d+)\]/.exec(rest))) steps.push({ index: Number(m[1]) });
    else if ((m = /^\[\*\]|^\.\*/.exec(rest))) steps.push({ all: true });
    else if ((m = /^\['([^']*)'\]|^\["([^"]*)"\]/.exec(rest))) steps.push({ field: (m[1] ?? m[2])! });
    else if ((m = /^\[\?\(@((?:\.[A-Za-z0-9_$-]+)+)\s*(==|!=)\s*("[^"]*"|'[^']*'|-?\d+(?:\.\d+)?|true|false)\)\]/.exec(rest))) {
      const literal = m[3]!;
      const value = /^['"]/.test(literal) ? literal.slice(1, -1) : literal === "true" ? true : literal === "false" ? false : Number(literal);
      steps.push({ filter: { path: m[1]!.slice(1).split("."), op: m[2] as "==" | "!=", value } });
    } else return undefined;
    rest = rest.slice(m[0].length);
  }
  return steps;
}

/** The values `steps` select in `root`, in document order (missing keys select nothing). */
function select(root: unknown, steps: Step[]): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if ("field" in step) {
        if (v && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, step.field)) next.push((v as Obj)[step.field]);
      } else if ("index" in step) {
        if (Array.isArray(v) && step.index < v.length) next.push(v[step.index]);
      } else if ("all" in step) {
        if (Array.isArray(v)) next.push(...v);
        else if (v && typeof v === "object") next.push(...Object.keys(v).sort().map((k) => (v as Obj)[k]));
      } else if (Array.isArray(v)) {
        for (const item of v) {
          const [got] = select(item, step.filter.path.map((field) => ({ field })));
          if ((got === step.filter.value) === (step.filter.op === "==") && got !== undefined) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}

/**
 * JSONPath.PrintResults of one decoded JSON value: a map or list as encoding/json marshals it
 * (keys sorted, `<>&` escaped), JSON null as text/template's `<no value>`, a scalar as Go's `%v`.
 */
function printedResult(v: unknown): string {
  if (v === null || v === undefined) return "<no value>";
  if (typeof v === "object") return goJson(v);
  if (typeof v === "number" && !Number.isInteger(v)) return String(v).replace(/e\+?(-?)(\d)$/, "e$1+0$2").replace("e+-", "e-");
  return String(v);
}

/** cellForJSONValue: the cell of a non-string column; `null` when the value is not of the column's type. */
function typedCell(type: string, value: unknown, now: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "integer":
      return typeof value === "number" ? Math.trunc(value) : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "date":
      if (typeof value !== "string") return null;
      // metav1.Time's UnmarshalQueryParameter: "" and "null" are the zero time.
      if (value === "" || value === "null") return "<unknown>";
      return Number.isNaN(Date.parse(value)) || !/^\d{4}-\d\d-\d\dT/.test(value) ? "<invalid>" : since(value, now);
    default:
      return null;
  }
}

/** The printer of a CRD version's columns (`columns` empty: the default Age column). */
export function crdPrinter(columns: PrinterColumn[]): Printer {
  const used = columns.length ? columns : DEFAULT_COLUMNS;
  const paths = used.map((c) => parsePath(c.jsonPath));
  const headers: Column[] = [NAME, ...used.map((c) => col(c.name, c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`, c.type, c.priority ?? 0, c.format ?? ""))];
  return {
    columns: headers,
    cells(obj, now) {
      const cells: unknown[] = [obj.metadata?.name];
      used.forEach((c, i) => {
        const steps = paths[i];
        const [value] = steps ? select(obj, steps) : [];
        if (value === undefined) cells.push(null);
        else if (c.type === "string") cells.push(typeof value === "string" ? value : printedResult(value));
        else cells.push(typedCell(c.type, value, now));
      });
      return cells;
    },
  };
}
