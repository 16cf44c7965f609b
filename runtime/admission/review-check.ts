/**
 * @module admission/review-check
 * Reads a POSTed body as an AdmissionReview, or says which field is wrong: what the handler gets
 * is then what its types promise (`uid`, `operation`, `kind`, `resource`, `userInfo`, and
 * objects that are objects). A field the API server may add later is kept, never refused.
 */
import { PodfnError } from "../errors.js";
import { ADMISSION_REVIEW_VERSION, type AdmissionOperation, type AdmissionRequest } from "./review.js";

/** A body that is not an AdmissionReview podfn can answer: `field` names what is wrong (`request.uid`). */
export class InvalidReviewError extends PodfnError {
  declare readonly code: "invalid_review";
  /** The field at fault, as `request.kind.version` ("" for the body itself). */
  readonly field: string;

  constructor(field: string, problem: string) {
    super("invalid_review", field ? `${field}: ${problem}` : problem);
    this.field = field;
  }
}

const OPERATIONS: readonly string[] = ["CREATE", "UPDATE", "DELETE", "CONNECT"] satisfies AdmissionOperation[];
type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function field(o: Obj, path: string, name: string, test: (v: unknown) => boolean, what: string, required: boolean): void {
  const v = o[name];
  if (v === undefined || (v === null && !required)) {
    if (required) throw new InvalidReviewError(`${path}.${name}`, `is required (${what})`);
    return;
  }
  if (!test(v)) throw new InvalidReviewError(`${path}.${name}`, `must be ${what}, not ${describe(v)}`);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return v === "" ? "an empty string" : `the string ${JSON.stringify(v.slice(0, 40))}`;
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

const isString = (v: unknown) => typeof v === "string";
const nonEmpty = (v: unknown) => typeof v === "string" && v !== "";

/** `{group, version, kind}` or `{group, version, resource}` at `path`. */
function groupVersion(o: Obj, path: string, name: string, last: "kind" | "resource", required: boolean): void {
  field(o, path, name, isObject, `an object {group, version, ${last}}`, required);
  const gv = o[name];
  if (!isObject(gv)) return;
  field(gv, `${path}.${name}`, "group", isString, 'a string ("" for the core group)', true);
  field(gv, `${path}.${name}`, "version", nonEmpty, "a non-empty string", true);
  field(gv, `${path}.${name}`, last, nonEmpty, "a non-empty string", true);
}

/**
 * The review's request, checked. Throws `InvalidReviewError` naming the first field at fault.
 *
 * @example
 * checkReview(JSON.parse(body)).uid; // "705ab4f5-6393-11e8-b7cc-42010a800002"
 */
export function checkReview(body: unknown): AdmissionRequest {
  if (!isObject(body)) throw new InvalidReviewError("", `the body must be an AdmissionReview object, not ${describe(body)}`);
  if (body.kind !== "AdmissionReview") throw new InvalidReviewError("kind", `must be "AdmissionReview", not ${describe(body.kind)}`);
  if (body.apiVersion !== ADMISSION_REVIEW_VERSION) throw new InvalidReviewError("apiVersion", `must be "${ADMISSION_REVIEW_VERSION}" (the webhook configuration asks for v1 reviews only), not ${describe(body.apiVersion)}`);
  field(body, "", "request", isObject, "an object (the AdmissionRequest)", true);
  const request = body.request as Obj;
  const at = "request";
  field(request, at, "uid", nonEmpty, "a non-empty string", true);
  field(request, at, "operation", (v) => OPERATIONS.includes(v as string), OPERATIONS.join(", "), true);
  groupVersion(request, at, "kind", "kind", true);
  groupVersion(request, at, "resource", "resource", true);
  groupVersion(request, at, "requestKind", "kind", false);
  groupVersion(request, at, "requestResource", "resource", false);
  for (const name of ["subResource", "requestSubResource", "name", "namespace"]) field(request, at, name, isString, "a string", false);
  field(request, at, "userInfo", isObject, "an object {username, uid, groups, extra}", true);
  const user = request.userInfo as Obj;
  field(user, `${at}.userInfo`, "username", isString, "a string", false);
  field(user, `${at}.userInfo`, "groups", (v) => Array.isArray(v) && v.every(isString), "a list of strings", false);
  for (const name of ["object", "oldObject", "options"]) field(request, at, name, isObject, "an object or null", false);
  field(request, at, "dryRun", (v) => typeof v === "boolean", "true or false", false);
  // Objects the handler reads as Kubernetes objects: null where absent, as the API server sends them.
  return request as unknown as AdmissionRequest;
}
