/**
 * @module kube/impersonation
 * Acting as another user, as kubectl's `--as`, `--as-group` and `--as-uid` and a kubeconfig
 * user's `as`, `as-groups`, `as-uid` and `as-user-extra` ask: the `Impersonate-*` headers
 * client-go's impersonating round tripper sends with every request. The API server checks the
 * `impersonate` verb for each, then runs the request as that user (a ServiceAccount's groups
 * completed there), so `podfn run --as system:serviceaccount:apps:podfn-cleanup` tries a
 * function with the rights its CronJob's pod will have.
 */
import { KubeCredentialsError } from "./errors.js";

/** Whom every request acts as. */
export interface Impersonation {
  /** `Impersonate-User`: a user name, or `system:serviceaccount:<namespace>:<name>`. */
  user: string;
  /** `Impersonate-Uid`. */
  uid?: string;
  /** `Impersonate-Group`, one header each. */
  groups?: readonly string[];
  /** `Impersonate-Extra-<key>`, one header per value. */
  extra?: Readonly<Record<string, readonly string[]>>;
}

/** What asks for an impersonation, each field optional: a kubeconfig user's, or the command line's. */
export type ImpersonationFields = Partial<Impersonation>;

/** A header name's token characters (RFC 7230), which client-go's `headerKeyEscape` leaves as they are (but `%`). */
const TOKEN_BYTE = /[!#$&'*+\-.^_`|~0-9A-Za-z]/;

/** client-go's `headerKeyEscape`: every byte of an extra's key that is not a token character, and `%`, as `%XX`. */
export function escapeExtraKey(key: string): string {
  let out = "";
  for (const byte of Buffer.from(key, "utf8")) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && TOKEN_BYTE.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * The impersonation `over` asks for, field by field over `base` (as kubectl's flags override a
 * kubeconfig's fields), or undefined when neither asks for one. `where` names the source for
 * errors. Groups, a uid or extras without a user are refused, as the API server refuses them.
 */
export function mergeImpersonation(base: ImpersonationFields | undefined, over: ImpersonationFields | undefined, where: string): Impersonation | undefined {
  const merged: ImpersonationFields = { ...base };
  for (const [key, value] of Object.entries(over ?? {}) as [keyof Impersonation, unknown][]) if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  const asksMore = (merged.groups?.length ?? 0) > 0 || merged.uid !== undefined || Object.keys(merged.extra ?? {}).length > 0;
  if (merged.user === undefined || merged.user === "") {
    if (asksMore) throw new KubeCredentialsError(`${where}: impersonating groups, a uid or user extras needs a user to impersonate (as, or --as)`);
    return undefined;
  }
  for (const value of [merged.user, merged.uid, ...(merged.groups ?? []), ...Object.values(merged.extra ?? {}).flat()]) {
    if (value !== undefined && /[\0-\x1f\x7f]/.test(value)) throw new KubeCredentialsError(`${where}: an impersonated name holds a control character: ${JSON.stringify(value)}`);
  }
  return merged as Impersonation;
}

/** The `Impersonate-*` headers of `impersonation`, a list where a header repeats. */
export function impersonationHeaders(impersonation: Impersonation): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = { "impersonate-user": impersonation.user };
  if (impersonation.uid !== undefined) headers["impersonate-uid"] = impersonation.uid;
  if (impersonation.groups?.length) headers["impersonate-group"] = [...impersonation.groups];
  for (const [key, values] of Object.entries(impersonation.extra ?? {})) {
    if (values.length) headers[`impersonate-extra-${escapeExtraKey(key).toLowerCase()}`] = [...values];
  }
  return headers;
}
