/**
 * @module cluster/csr-strategy
 * 1.32's strategies of a certificates.k8s.io/v1 CertificateSigningRequest
 * (pkg/registry/certificates/certificates/strategy.go): on create the requesting user's name,
 * uid, groups and extra fill the spec (whatever the body said) and the status starts empty; an
 * update of the main resource keeps the stored spec and status; /status keeps the spec and the
 * Approved and Denied conditions (when as many are sent), /approval keeps the spec, the
 * certificate and the Failed conditions; both date the conditions that carry no times
 * (populateConditionTimestamps). certificates/v1 has no defaults (v1beta1's `True` for a
 * condition without status is not applied: it is Required). Fields are put in the order Go's
 * encoding writes them.
 */
import type { UserInfo } from "./auth/index.js";
import { csrValidation } from "./csr-validation.js";
import { clone } from "./registry.js";
import type { StatusScope } from "./resources.js";
import type { FieldError } from "./status.js";

type Obj = Record<string, any>;

const SPEC_ORDER = ["request", "signerName", "expirationSeconds", "usages", "username", "uid", "groups", "extra"];
const CONDITION_ORDER = ["type", "status", "reason", "message", "lastUpdateTime", "lastTransitionTime"];

/** `obj` with `order`'s keys first, in that order, then the others. */
function inOrder(obj: Obj, order: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of order) if (obj[k] !== undefined) out[k] = obj[k];
  for (const [k, v] of Object.entries(obj)) if (!(k in out)) out[k] = v;
  return out;
}

function orderStatus(o: Obj): void {
  if (!o.status || typeof o.status !== "object") return;
  const status = inOrder(o.status, ["conditions", "certificate"]);
  if (Array.isArray(status.conditions)) status.conditions = status.conditions.map((c: Obj) => (c && typeof c === "object" ? inOrder(c, CONDITION_ORDER) : c));
  o.status = status;
}

/** No v1 defaults: the fields in Go's order. */
export function defaultCsr(o: Obj): void {
  if (o.spec && typeof o.spec === "object") o.spec = inOrder(o.spec, SPEC_ORDER);
  orderStatus(o);
}

/** PrepareForCreate: the requesting user's identity in the spec, an empty status. */
export function prepareCsrCreate(o: Obj, _timestamp: string, user: UserInfo): void {
  const spec: Obj = { ...(o.spec ?? {}) };
  for (const k of ["username", "uid", "groups", "extra"]) delete spec[k];
  if (user.username) spec.username = user.username;
  if (user.uid) spec.uid = user.uid;
  if (user.groups.length) spec.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) spec.extra = clone(user.extra);
  o.spec = inOrder(spec, SPEC_ORDER);
  o.status = {};
}

/** The main resource's PrepareForUpdate: the spec as stored (the status is kept by the server). */
export function prepareCsrUpdate(o: Obj, old: Obj): void {
  o.spec = clone(old.spec);
}

/** The indices of `o`'s conditions of `type`. */
const indicesOf = (o: Obj, type: string): number[] => ((o.status?.conditions ?? []) as Obj[]).flatMap((c, i) => (c?.type === type ? [i] : []));

/** preserveConditionInstances: as many of `type` as stored, so the stored ones. */
function preserveConditions(o: Obj, old: Obj, type: string): void {
  const [before, after] = [indicesOf(old, type), indicesOf(o, type)];
  if (before.length !== after.length) return;
  before.forEach((from, i) => (o.status.conditions[after[i]!] = clone(old.status.conditions[from])));
}

/** populateConditionTimestamps: now for a missing lastUpdateTime; a missing lastTransitionTime the stored one of that type and status, else now. */
function dateConditions(o: Obj, old: Obj, now: string): void {
  for (const c of (o.status?.conditions ?? []) as Obj[]) {
    if (!c || typeof c !== "object") continue;
    if (!c.lastUpdateTime) c.lastUpdateTime = now;
    if (!c.lastTransitionTime) {
      const same = ((old.status?.conditions ?? []) as Obj[]).find((p) => p?.type === c.type && p?.status === c.status && p?.lastTransitionTime);
      c.lastTransitionTime = same?.lastTransitionTime ?? now;
    }
  }
}

/** The /status and /approval strategies' PrepareForUpdate (the spec is the stored one already). */
export function prepareCsrStatusUpdate(o: Obj, old: Obj, subresource: StatusScope, now: string): void {
  o.status = o.status && typeof o.status === "object" ? o.status : {};
  if (subresource === "approval") {
    if (old.status?.certificate !== undefined) o.status.certificate = old.status.certificate;
    else delete o.status.certificate;
    preserveConditions(o, old, "Failed");
  } else {
    preserveConditions(o, old, "Approved");
    preserveConditions(o, old, "Denied");
  }
  dateConditions(o, old, now);
  orderStatus(o);
}

/** The strategies' validation: of a create or a main-resource update. */
export const csrErrors = (o: Obj, old?: Obj): FieldError[] => csrValidation(o, old, "main");
/** ValidateCertificateSigningRequestStatusUpdate or ...ApprovalUpdate. */
export const csrStatusErrors = (o: Obj, old?: Obj, subresource: StatusScope = "status"): FieldError[] => csrValidation(o, old, subresource);
