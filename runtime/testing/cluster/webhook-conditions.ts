/**
 * @module cluster/webhook-conditions
 * A webhook's `matchConditions` in the emulator's CEL (crd-cel-library), as the API server
 * compiles them when a configuration is written (pkg/apis/admissionregistration/validation:
 * `compilation failed: ...`) and evaluates them before a call (apiserver
 * pkg/admission/plugin/webhook/matchconditions): each sees `object` and `oldObject` (null when
 * absent) and `request` (the AdmissionRequest), whole numbers as ints; the first false means no
 * call (the request goes on); one that cannot be evaluated, with none false, is an error the
 * webhook's `failurePolicy` judges. `authorizer` compiles (its library's calls are declared, as
 * there: `withAuthz`) but is not evaluated here: a condition reaching a check fails to evaluate. The message after `compilation
 * failed: ` is this CEL's, not cel-go's. Used by the dispatcher and by `testing/admission`'s
 * `review()`.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { celLibrary, withLibraries } from "./crd-cel-library.js";
import { originalNames, renameBuiltins } from "./crd-cel-source.js";
import { firstLine } from "./crd-cel-compile.js";

/** One `{name, expression}` of a webhook. */
export interface MatchCondition {
  name: string;
  expression: string;
}

/** A compiled condition: call it with the context; `ast` is the parsed expression. */
export type ConditionProgram = ((context: Record<string, unknown>) => unknown) & { ast?: unknown };

/** One condition that could not be evaluated: its index and the evaluator's first line. */
export interface ConditionError {
  error: string;
  index: number;
}

/** The outcome of a webhook's conditions for one request: `error` and `index` the first failed one's, `errors` all of them. */
export type ConditionsOutcome = { match: true } | { match: false; index: number } | (ConditionError & { errors: ConditionError[] });

const programs = new Map<string, ConditionProgram>();

/**
 * Kubernetes' Authz library (apiserver pkg/cel/library/authz.go) as far as type-checking goes:
 * `authorizer.group(g).resource(r)[.subresource(s)][.namespace(n)][.name(n)].check(verb)`,
 * `authorizer.path(p).check(verb)`, `authorizer.serviceAccount(ns, name)`, a decision's
 * `allowed()`, `reason()`, `errored()`, `error()`, so a condition using them compiles as on a
 * real server; a check is not made here (the emulator has no authorizer to ask from CEL): it
 * fails to evaluate, and `failurePolicy` judges.
 */
class Authorizer {}
class AuthzPathCheck {}
class AuthzGroupCheck {}
class AuthzResourceCheck {}
class AuthzDecision {}

function notEvaluated(): never {
  throw new Error("authorizer checks are not evaluated by the emulated cluster");
}

function withAuthz(env: Environment): Environment {
  const resource = () => new AuthzResourceCheck();
  return env
    .registerType("Authorizer", Authorizer)
    .registerType("AuthzPathCheck", AuthzPathCheck)
    .registerType("AuthzGroupCheck", AuthzGroupCheck)
    .registerType("AuthzResourceCheck", AuthzResourceCheck)
    .registerType("AuthzDecision", AuthzDecision)
    .registerVariable("authorizer", "Authorizer")
    .registerFunction("Authorizer.path(string): AuthzPathCheck", () => new AuthzPathCheck())
    .registerFunction("Authorizer.group(string): AuthzGroupCheck", () => new AuthzGroupCheck())
    .registerFunction("Authorizer.serviceAccount(string, string): Authorizer", () => new Authorizer())
    .registerFunction("AuthzGroupCheck.resource(string): AuthzResourceCheck", resource)
    .registerFunction("AuthzResourceCheck.subresource(string): AuthzResourceCheck", resource)
    .registerFunction("AuthzResourceCheck.namespace(string): AuthzResourceCheck", resource)
    .registerFunction("AuthzResourceCheck.name(string): AuthzResourceCheck", resource)
    .registerFunction("AuthzResourceCheck.check(string): AuthzDecision", notEvaluated)
    .registerFunction("AuthzPathCheck.check(string): AuthzDecision", notEvaluated)
    .registerFunction("AuthzDecision.allowed(): bool", notEvaluated)
    .registerFunction("AuthzDecision.reason(): string", notEvaluated)
    .registerFunction("AuthzDecision.errored(): bool", notEvaluated)
    .registerFunction("AuthzDecision.error(): string", notEvaluated);
}

/** JSON as the API server's unstructured values reach CEL: whole numbers as ints, the rest as they are. */
export function dynValue(value: unknown): unknown {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(dynValue);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, dynValue(v)]));
  return value;
}

/**
 * Compiles `expression` (the CEL library must be loaded: `loadCel()`); throws an Error whose
 * message is the compiler's first line, in CEL's own names.
 */
export function compileCondition(expression: string): ConditionProgram {
  const cached = programs.get(expression);
  if (cached) return cached;
  const { Environment } = celLibrary();
  const env = withAuthz(
    withLibraries(
      new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: true, enableOptionalTypes: true })
        .registerVariable("object", "dyn")
        .registerVariable("oldObject", "dyn")
        .registerVariable("request", "dyn"),
    ),
  );
  try {
    const parsed = env.parse(renameBuiltins(expression));
    const checked = parsed.check();
    if (!checked.valid) throw new Error(checked.error?.message ?? "does not compile");
    if (checked.type !== undefined && checked.type !== "bool" && checked.type !== "dyn") throw new Error(`must evaluate to bool, not ${checked.type}`);
    const program = parsed as unknown as ConditionProgram;
    programs.set(expression, program);
    return program;
  } catch (error) {
    throw new Error(originalNames(firstLine((error as Error).message)));
  }
}

/** The message of `compileCondition`'s failure, or undefined when `expression` compiles. */
export function conditionCompileError(expression: string): string | undefined {
  try {
    compileCondition(expression);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Evaluates `conditions` over the request as matchconditions.Matcher does: the first false
 * wins; else the errors (a condition that does not compile, or evaluates to an error or a
 * non-bool), the first one first; else a match.
 */
export function evaluateConditions(conditions: readonly MatchCondition[], request: { object?: unknown; oldObject?: unknown }): ConditionsOutcome {
  if (conditions.length === 0) return { match: true };
  const context = { object: dynValue(request.object ?? null), oldObject: dynValue(request.oldObject ?? null), request: dynValue(request), authorizer: new Authorizer() };
  const errors: ConditionError[] = [];
  for (const [index, condition] of conditions.entries()) {
    let result: unknown;
    try {
      result = compileCondition(condition.expression)(context);
    } catch (error) {
      errors.push({ error: firstLine((error as Error).message), index });
      continue;
    }
    if (result === false) return { match: false, index };
    if (result !== true) errors.push({ error: `expression evaluated to ${String(result)}, not a bool`, index });
  }
  return errors.length ? { ...errors[0]!, errors } : { match: true };
}
