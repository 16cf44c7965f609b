/**
 * @module cluster/webhook-conditions
 * A webhook's `matchConditions` in the emulator's CEL (crd-cel-library), as the API server
 * compiles them when a configuration is written (pkg/apis/admissionregistration/validation:
 * `compilation failed: ...`) and evaluates them before a call (apiserver
 * pkg/admission/plugin/webhook/matchconditions): each sees `object` and `oldObject` (null when
 * absent), `request` (the AdmissionRequest), whole numbers as ints, and `authorizer` (Kubernetes'
 * authz library, webhook-authz: its checks decided for the request's user by the `authorize`
 * given, the cluster's RBAC authorizer); the first false means no call (the request goes on);
 * one that cannot be evaluated, with none false, is an error the webhook's `failurePolicy`
 * judges. The message after `compilation failed: ` is this CEL's, not cel-go's. Used by the
 * dispatcher and by `testing/admission`'s `review()` (whose checks are SubjectAccessReviews:
 * `evaluateConditionsAsync`).
 */
import { PodfnError } from "../../errors.js";
import { celLibrary, withLibraries } from "./crd-cel-library.js";
import type { RequestAttributes } from "./auth/types.js";
import { requestAuthorizer, selectsRequestResourceOfAccount, withAuthz, type Authorize, type AuthzAnswer, type AuthzRequest } from "./webhook-authz.js";
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
    if (selectsRequestResourceOfAccount(parsed.ast)) throw new Error("undefined field 'requestResource'");
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

/** The AdmissionRequest the conditions see (`object` and `oldObject` their variables too). */
export type ConditionsRequest = AuthzRequest & { object?: unknown; oldObject?: unknown };

/** A condition's value, or the error it evaluated to (a Promise while a check is asked over the network). */
type Evaluated = { value: unknown } | { error: string };

/** `authorize` itself failed (review()'s SubjectAccessReview not answered): thrown, not a condition's error. */
export class AuthorizerFailure extends PodfnError {
  declare readonly code: "authorizer_unavailable";
  constructor(message: string, options?: { cause?: unknown }) {
    super("authorizer_unavailable", message, options);
  }
}

function settle(run: () => unknown): Evaluated | Promise<Evaluated> {
  const failed = (error: unknown): Evaluated => {
    if (error instanceof AuthorizerFailure) throw error;
    return { error: firstLine((error as Error).message) };
  };
  try {
    const value = run();
    return value instanceof Promise ? value.then((v) => ({ value: v }), failed) : { value };
  } catch (error) {
    return failed(error);
  }
}

/** Each condition's outcome over `request`, `authorizer` deciding with `authorize`. */
function evaluateEach(conditions: readonly MatchCondition[], request: ConditionsRequest, authorize: Authorize): (Evaluated | Promise<Evaluated>)[] {
  const context = { object: dynValue(request.object ?? null), oldObject: dynValue(request.oldObject ?? null), request: dynValue(request), authorizer: requestAuthorizer(request, authorize) };
  return conditions.map((condition) => settle(() => compileCondition(condition.expression)(context)));
}

/**
 * matchconditions.Matcher over the conditions' values: the first false wins; else the errors (a
 * condition that does not compile, or evaluates to an error or a non-bool), the first one first;
 * else a match.
 */
function outcomeOf(results: readonly Evaluated[]): ConditionsOutcome {
  const errors: ConditionError[] = [];
  for (const [index, result] of results.entries()) {
    if ("error" in result) {
      errors.push({ error: result.error, index });
      continue;
    }
    if (result.value === false) return { match: false, index };
    if (result.value !== true) errors.push({ error: `expression evaluated to ${String(result.value)}, not a bool`, index });
  }
  return errors.length ? { ...errors[0]!, errors } : { match: true };
}

/**
 * Evaluates `conditions` over the request as the API server does before a call, `authorizer`'s
 * checks decided at once by `authorize` (the cluster's RBAC authorizer).
 */
export function evaluateConditions(conditions: readonly MatchCondition[], request: ConditionsRequest, authorize: (attributes: RequestAttributes) => AuthzAnswer): ConditionsOutcome {
  if (conditions.length === 0) return { match: true };
  const results = evaluateEach(conditions, request, authorize);
  if (results.some((r) => r instanceof Promise)) throw new Error("evaluateConditions: a check answered later; use evaluateConditionsAsync");
  return outcomeOf(results as Evaluated[]);
}

/** `evaluateConditions` for an `authorize` that answers later (review()'s SubjectAccessReviews); throws its `AuthorizerFailure`. */
export async function evaluateConditionsAsync(conditions: readonly MatchCondition[], request: ConditionsRequest, authorize: Authorize): Promise<ConditionsOutcome> {
  if (conditions.length === 0) return { match: true };
  return outcomeOf(await Promise.all(evaluateEach(conditions, request, authorize)));
}
