/**
 * @module cluster/response-transform
 * What a GET, LIST or WATCH answer is converted to, as 1.32's `NegotiateOutputMediaType` decides
 * with the RequestScope's `AllowsMediaTypeTransform` (see `accept` for the clause order): a clause
 * with no `as`/`g`/`v` asks for the object as it is; `as=Table` (JSON or YAML only) and
 * `as=PartialObjectMetadata` / `as=PartialObjectMetadataList` (any serializer) are honoured with
 * `g=meta.k8s.io` and `v=v1` or `v=v1beta1`; any other conversion is passed over. When no clause
 * is acceptable, the answer is the negotiation's 406 (`errNotAcceptable`: "only the following
 * media types are accepted: ..."), written as `ErrorNegotiated` writes an error whose own
 * negotiation fails: `WriteRawJSON`'s indented JSON.
 */
import { negotiate, SERIALIZERS } from "./accept.js";
import type { Reply } from "./call.js";
import { failure } from "./status.js";

/** A `meta.k8s.io` version a conversion is served in. */
export type MetaVersion = "v1" | "v1beta1";

/** The conversion an Accept header negotiated. */
export interface Transform {
  kind: "Table" | "PartialObjectMetadata" | "PartialObjectMetadataList";
  version: MetaVersion;
}

/** The media types the negotiation error lists (the serializers' `MediaType`s). */
const ACCEPTED = SERIALIZERS.map(([type, subType]) => `${type}/${subType}`).join(", ");

/**
 * The 406 of a conversion that failed (`newNotAcceptableError`) or of a negotiation that found no
 * acceptable clause: a Status without details, compact when the Accept header has a clause the
 * error's own negotiation takes (no conversion), else `WriteRawJSON`'s two-space indentation.
 */
export function notAcceptable(accept: string, message: string): Reply {
  const status = failure(406, "NotAcceptable", message);
  const negotiated = negotiate(accept, () => undefined) !== undefined;
  return { status: 406, body: JSON.stringify(status, null, negotiated ? undefined : 2) };
}

/**
 * The conversion `accept` asks for: `null` for the object as it is, a Transform, or the 406
 * reply when no clause is acceptable.
 */
export function negotiateTransform(accept: string): Transform | null | Reply {
  const transform = negotiate(accept, ({ kind, group, version }, subType): Transform | undefined => {
    if (group !== "meta.k8s.io" || (version !== "v1" && version !== "v1beta1")) return undefined;
    if (kind === "Table") return subType === "json" || subType === "yaml" ? { kind, version } : undefined;
    if (kind === "PartialObjectMetadata" || kind === "PartialObjectMetadataList") return { kind, version };
    return undefined;
  });
  if (transform === undefined) return notAcceptable(accept, `only the following media types are accepted: ${ACCEPTED}`);
  return transform;
}

/** Whether `negotiateTransform`'s answer is the 406 reply. */
export function isReply(t: Transform | null | Reply): t is Reply {
  return t !== null && "status" in t;
}
