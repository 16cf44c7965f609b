/**
 * @module testing/admission-conditions
 * A webhook's `matchConditions` as the API server evaluates them before calling it
 * (apiserver pkg/admission/plugin/webhook/matchconditions): each CEL expression sees `object`
 * and `oldObject` (null when absent) and `request` (the AdmissionRequest), numbers that are
 * whole as ints; the first that is false means the webhook is not called (the request goes on
 * as if it had allowed it); one that cannot be evaluated, with none false, is treated as the
 * webhook's `failurePolicy` says: `Fail` refuses the request, `Ignore` goes on without a call.
 * In the emulator's CEL environment (cluster/crd-cel-library), without `authorizer`: a
 * condition using it is refused with a clear error rather than misjudged.
 */
import type { LoadedAdmission } from "../admission/types.js";
import type { AdmissionRequest } from "../admission/review.js";
import { PodfnError } from "../errors.js";
import { celLibrary, loadCel, withLibraries } from "./cluster/crd-cel-library.js";
import { originalNames, renameBuiltins } from "./cluster/crd-cel-source.js";
import { firstLine } from "./cluster/crd-cel-compile.js";

/** A condition that does not compile here, or uses what `review()` does not evaluate (`authorizer`). */
export class MatchConditionError extends PodfnError {
  declare readonly code: "match_condition_invalid";
  constructor(message: string) {
    super("match_condition_invalid", message);
  }
}

/** Whether the API server would call the webhook, and why not. */
export type ConditionsVerdict = { call: true } | { call: false; reason: string; refused: boolean };

type Program = (context: Record<string, unknown>) => unknown;
const programs = new Map<string, Program>();

/** JSON as the API server's unstructured values reach CEL: whole numbers as ints, the rest as they are. */
function dynValue(value: unknown): unknown {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(dynValue);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, dynValue(v)]));
  return value;
}

function compiled(expression: string, at: string): Program {
  const cached = programs.get(expression);
  if (cached) return cached;
  const { Environment } = celLibrary();
  const env = withLibraries(new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: true, enableOptionalTypes: true }).registerVariable("object", "dyn").registerVariable("oldObject", "dyn").registerVariable("request", "dyn"));
  try {
    const parsed = env.parse(renameBuiltins(expression));
    const checked = parsed.check();
    if (!checked.valid) {
      const message = checked.error?.message ?? "does not compile";
      // `authorizer` is declared by the API server, not here: a reference to it is no mistake.
      if (/\bauthorizer\b/.test(firstLine(message))) throw new MatchConditionError(`${at}: uses authorizer, which review() does not evaluate (the API server does): test the condition on a real cluster, or leave authorizer out`);
      throw new Error(message);
    }
    if (checked.type !== undefined && checked.type !== "bool" && checked.type !== "dyn") throw new Error(`must evaluate to a bool, not ${checked.type}`);
    const program = parsed as unknown as Program;
    programs.set(expression, program);
    return program;
  } catch (error) {
    if (error instanceof MatchConditionError) throw error;
    throw new MatchConditionError(`${at}: does not compile (the API server refuses the webhook configuration): ${originalNames(firstLine((error as Error).message))}`);
  }
}

/**
 * Whether the API server calls the webhook `admission` for `request`.
 *
 * @example
 * const verdict = await evaluateMatchConditions(fn.admission!, review.request!);
 * if (!verdict.call) console.log(verdict.reason);
 */
export async function evaluateMatchConditions(admission: LoadedAdmission, request: AdmissionRequest): Promise<ConditionsVerdict> {
  const conditions = admission.matchConditions ?? [];
  if (conditions.length === 0) return { call: true };
  await loadCel();
  const context = { object: dynValue(request.object ?? null), oldObject: dynValue(request.oldObject ?? null), request: dynValue(request) };
  const errors: string[] = [];
  for (const [i, condition] of conditions.entries()) {
    const at = `admission.matchConditions[${i}] (${JSON.stringify(condition.name)})`;
    const program = compiled(condition.expression, at);
    let result: unknown;
    try {
      result = program(context);
    } catch (error) {
      errors.push(`${at}: ${firstLine((error as Error).message)}`);
      continue;
    }
    if (result === false) return { call: false, reason: `${at} is false: the API server does not call the webhook, and the request goes on`, refused: false };
    if (result !== true) errors.push(`${at}: evaluated to ${String(result)}, not a bool`);
  }
  if (errors.length === 0) return { call: true };
  const refused = admission.failurePolicy === "Fail";
  return { call: false, reason: `${errors.join("; ")}: with failurePolicy ${admission.failurePolicy} the API server ${refused ? "refuses the request" : "lets the request through without calling the webhook"}`, refused };
}
