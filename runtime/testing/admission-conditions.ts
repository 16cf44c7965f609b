/**
 * @module testing/admission-conditions
 * A webhook's `matchConditions` for `review()`: evaluated as the emulated cluster evaluates them
 * before a call (cluster/webhook-conditions: the first false means no call and the request goes
 * on; one that cannot be evaluated, with none false, is judged by `failurePolicy`: `Fail`
 * refuses the request, `Ignore` goes on without a call), put in words naming the condition. A
 * condition that does not compile, or refers to `authorizer` (which the emulator does not
 * evaluate), is a `MatchConditionError` rather than a misjudged request.
 */
import type { LoadedAdmission } from "../admission/types.js";
import type { AdmissionRequest } from "../admission/review.js";
import { PodfnError } from "../errors.js";
import { compileCondition, evaluateConditionsAsync, loadCel, mentionsVariable } from "./cluster/index.js";
import type { Authorize } from "./cluster/webhook-authz.js";

/** A condition that does not compile, or uses `authorizer` where there is no cluster to decide its checks. */
export class MatchConditionError extends PodfnError {
  declare readonly code: "match_condition_invalid";
  constructor(message: string) {
    super("match_condition_invalid", message);
  }
}

/** Never called: without an `authorize`, no condition naming `authorizer` is evaluated. */
function unreachable(): never {
  throw new Error("no authorizer to decide the check");
}

/** Whether the API server would call the webhook, and why not. */
export type ConditionsVerdict = { call: true } | { call: false; reason: string; refused: boolean };

/** Where condition `i` of `admission` is, for messages: `admission.matchConditions[0] ("name")`. */
const conditionAt = (admission: LoadedAdmission, i: number) => `admission.matchConditions[${i}] (${JSON.stringify(admission.matchConditions![i]!.name)})`;

/**
 * Whether the API server calls the webhook `admission` for `request`: the emulated cluster's
 * evaluation (cluster/webhook-conditions), `authorizer`'s checks decided by `authorize` for the
 * request's userInfo; a condition that does not compile, or refers to `authorizer` without an
 * `authorize`, refused first with a `MatchConditionError` naming it. Throws `AuthorizerFailure`
 * when `authorize` cannot answer.
 *
 * @example
 * const verdict = await evaluateMatchConditions(fn.admission!, review.request!, subjectAccessReviewer(admin));
 * if (!verdict.call) console.log(verdict.reason);
 */
export async function evaluateMatchConditions(admission: LoadedAdmission, request: AdmissionRequest, authorize?: Authorize): Promise<ConditionsVerdict> {
  const conditions = admission.matchConditions ?? [];
  if (conditions.length === 0) return { call: true };
  await loadCel();
  for (const [i, condition] of conditions.entries()) {
    let program;
    try {
      program = compileCondition(condition.expression);
    } catch (error) {
      throw new MatchConditionError(`${conditionAt(admission, i)}: does not compile (the API server refuses the webhook configuration): ${(error as Error).message}`);
    }
    if (!authorize && mentionsVariable(program.ast, "authorizer")) throw new MatchConditionError(`${conditionAt(admission, i)}: uses authorizer, whose checks need a cluster's authorizer, and none was given: review the request through a harness's deployed function (startHarness), whose emulated cluster decides them`);
  }
  const outcome = await evaluateConditionsAsync(conditions, request, authorize ?? unreachable);
  if ("match" in outcome) return outcome.match ? { call: true } : { call: false, reason: `${conditionAt(admission, outcome.index)} is false: the API server does not call the webhook, and the request goes on`, refused: false };
  const refused = admission.failurePolicy === "Fail";
  return { call: false, reason: `${conditionAt(admission, outcome.index)}: ${outcome.error}: with failurePolicy ${admission.failurePolicy} the API server ${refused ? "refuses the request" : "lets the request through without calling the webhook"}`, refused };
}
