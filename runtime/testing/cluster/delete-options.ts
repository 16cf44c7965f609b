/**
 * @module cluster/delete-options
 * `DeleteOptions` of a DELETE, from its JSON body or, failing that, its query
 * (`propagationPolicy`, `gracePeriodSeconds`, `orphanDependents`, `dryRun`), validated as the
 * real server does (422 for an unknown propagation policy or both policy and orphanDependents).
 */
import { goJsonError, type Call } from "./call.js";
import { badRequest, invalid } from "./status.js";

/** The options that change what a delete does. */
export interface DeleteOptions {
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  /** `dryRun: ["All"]` in the body. */
  dryRun: boolean;
  /** The deprecated `orphanDependents` as given (false asks for cascading: a pending delete answers 202). */
  orphanDependents?: boolean;
}

/** Reads and validates the request's DeleteOptions. */
export function decodeDeleteOptions(call: Call): DeleteOptions {
  let body: Record<string, any> = {};
  const text = call.body.toString("utf8").trim();
  if (text) {
    try {
      body = JSON.parse(text) as Record<string, any>;
    } catch (error) {
      throw badRequest(`couldn't get version/kind; json parse error: ${goJsonError(text, error)}`);
    }
  }
  const q = call.query;
  const policy = body.propagationPolicy ?? q.get("propagationPolicy") ?? undefined;
  const orphanRaw = body.orphanDependents ?? (q.has("orphanDependents") ? q.get("orphanDependents") === "true" : undefined);
  const graceRaw = body.gracePeriodSeconds ?? (q.has("gracePeriodSeconds") ? Number(q.get("gracePeriodSeconds")) : undefined);
  if (policy !== undefined && !["Background", "Foreground", "Orphan"].includes(policy)) {
    throw invalid("meta.k8s.io", "DeleteOptions", "", [{ type: "NotSupported", field: "propagationPolicy", value: policy, supported: ["Foreground", "Background", "Orphan"] }]);
  }
  if (policy !== undefined && orphanRaw !== undefined) {
    throw invalid("meta.k8s.io", "DeleteOptions", "", [{ type: "Invalid", field: "propagationPolicy", value: policy, detail: "orphanDependents and deletionPropagation cannot be both set" }]);
  }
  const out: DeleteOptions = { dryRun: Array.isArray(body.dryRun) && body.dryRun.includes("All") };
  if (policy) out.propagationPolicy = policy;
  else if (orphanRaw === true) out.propagationPolicy = "Orphan";
  else if (orphanRaw === false) out.propagationPolicy = "Background";
  if (typeof orphanRaw === "boolean") out.orphanDependents = orphanRaw;
  if (typeof graceRaw === "number" && Number.isFinite(graceRaw)) out.gracePeriodSeconds = graceRaw;
  if (body.preconditions && typeof body.preconditions === "object") out.preconditions = body.preconditions;
  return out;
}
