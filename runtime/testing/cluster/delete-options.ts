/**
 * @module cluster/delete-options
 * `DeleteOptions` of a DELETE, from its JSON body or, when it has none, its query
 * (`propagationPolicy`, `gracePeriodSeconds`, `orphanDependents`, `dryRun`, decoded by the
 * parameter codec: a `gracePeriodSeconds` that does not parse is a 400), validated as the
 * real server does (422 for an unknown propagation policy, both policy and orphanDependents, a
 * `dryRun` other than `All`).
 */
import { goJsonError, type Call } from "./call.js";
import { queryInt64 } from "./query-int64.js";
import { parseBool } from "./request-info.js";
import { badRequest, goStrings, invalid, type FieldError } from "./status.js";

/** The options that change what a delete does. */
export interface DeleteOptions {
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  /** `dryRun: ["All"]` in the body, or `?dryRun=All` of a DELETE without one. */
  dryRun: boolean;
  /** The deprecated `orphanDependents` as given (false asks for cascading: a pending delete answers 202). */
  orphanDependents?: boolean;
}

/** The options as given: from a non-empty body, else from the query (never both, as the real handler reads them). */
interface GivenOptions {
  propagationPolicy?: string;
  orphanDependents?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: string[];
}

function fromBody(text: string): GivenOptions {
  let body: Record<string, any>;
  try {
    body = JSON.parse(text) as Record<string, any>;
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${goJsonError(text, error)}`);
  }
  return {
    propagationPolicy: body.propagationPolicy ?? undefined,
    orphanDependents: typeof body.orphanDependents === "boolean" ? body.orphanDependents : undefined,
    gracePeriodSeconds: typeof body.gracePeriodSeconds === "number" ? body.gracePeriodSeconds : undefined,
    preconditions: body.preconditions && typeof body.preconditions === "object" ? body.preconditions : undefined,
    dryRun: Array.isArray(body.dryRun) ? body.dryRun.map(String) : [],
  };
}

/**
 * Convert_url_Values_To_v1_DeleteOptions, in its field order: `gracePeriodSeconds` an int64
 * (one that does not parse is the 400), `orphanDependents` a bool (false only for `0`/`false`).
 */
function fromQuery(q: URLSearchParams): GivenOptions {
  const grace = queryInt64(q, "gracePeriodSeconds");
  return {
    propagationPolicy: q.get("propagationPolicy") ?? undefined,
    orphanDependents: q.has("orphanDependents") ? parseBool(q.get("orphanDependents")) : undefined,
    gracePeriodSeconds: grace === undefined ? undefined : Number(grace),
    dryRun: q.getAll("dryRun"),
  };
}

/**
 * Reads and validates the request's DeleteOptions: from its body when it has one (its query is
 * then not read at all, `dryRun` included), else from its query; then `ValidateDeleteOptions`,
 * every error in one 422.
 */
export function decodeDeleteOptions(call: Call): DeleteOptions {
  const text = call.body.toString("utf8").trim();
  const given = text ? fromBody(text) : fromQuery(call.query);
  const policy = given.propagationPolicy;
  const errors: FieldError[] = [];
  if (policy !== undefined && given.orphanDependents !== undefined) {
    errors.push({ type: "Invalid", field: "propagationPolicy", value: policy, detail: "orphanDependents and deletionPropagation cannot be both set" });
  }
  if (policy !== undefined && !["Background", "Foreground", "Orphan"].includes(policy)) {
    // ValidateDeleteOptions lists "nil" too (no policy is allowed).
    errors.push({ type: "NotSupported", field: "propagationPolicy", value: policy, supported: ["Foreground", "Background", "Orphan", "nil"] });
  }
  if (given.dryRun.some((v) => v !== "All")) errors.push({ type: "NotSupported", field: "dryRun", rendered: goStrings(given.dryRun), supported: ["All"] });
  if (errors.length) throw invalid("meta.k8s.io", "DeleteOptions", "", errors);
  const out: DeleteOptions = { dryRun: given.dryRun.length > 0 };
  if (policy) out.propagationPolicy = policy as NonNullable<DeleteOptions["propagationPolicy"]>;
  else if (given.orphanDependents === true) out.propagationPolicy = "Orphan";
  else if (given.orphanDependents === false) out.propagationPolicy = "Background";
  if (given.orphanDependents !== undefined) out.orphanDependents = given.orphanDependents;
  if (given.gracePeriodSeconds !== undefined) out.gracePeriodSeconds = given.gracePeriodSeconds;
  if (given.preconditions) out.preconditions = given.preconditions;
  return out;
}
