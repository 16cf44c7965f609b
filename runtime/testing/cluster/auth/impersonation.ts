/**
 * @module cluster/auth/impersonation
 * `Impersonate-User`, `Impersonate-Group`, `Impersonate-Uid` and `Impersonate-Extra-*` as the
 * real server's impersonation filter reads them (k8s.io/apiserver endpoints/filters): each one
 * needs the `impersonate` verb on users, groups, serviceaccounts, uids or userextras; the
 * request then runs as the impersonated user, its groups completed as there (a ServiceAccount's
 * fixed groups when none are given, `system:authenticated` added). `kubectl --as` and
 * `kubectl auth can-i --as` then answer for that user, not for the admin.
 */
import type { Authorizer, RequestAttributes, UserInfo } from "./types.js";

const SA_PREFIX = "system:serviceaccount:";
const NAMESPACE = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const AUTHENTICATION_V1 = "authentication.k8s.io/v1";

/** One thing to impersonate, as the filter's v1.ObjectReference. */
interface Requested {
  kind: "ServiceAccount" | "User" | "Group" | "UserExtra" | "UID";
  namespace: string;
  name: string;
  apiVersion: string;
  fieldPath: string;
}

/** The outcome: no impersonation, the user to act as, a refusal (attributes checked), or a malformed request. */
export type Impersonation = { as?: undefined } | { as: UserInfo } | { forbidden: RequestAttributes; reason: string } | { error: string };

/** Headers by lower-case name, each occurrence apart (Node's `headersDistinct`): a repeated header is several values. */
type Headers = Readonly<Record<string, string[] | undefined>>;

function values(headers: Headers, name: string): string[] {
  return headers[name] ?? [];
}

/** url.PathUnescape of an extra's key; the raw key when it does not unescape, as there. */
function unescapeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** serviceaccount.SplitUsername: `system:serviceaccount:NS:NAME` with a valid namespace and name, else not a ServiceAccount. */
function splitServiceAccount(user: string): [string, string] | undefined {
  if (!user.startsWith(SA_PREFIX)) return undefined;
  const parts = user.slice(SA_PREFIX.length).split(":");
  const [namespace = "", name = ""] = parts;
  if (parts.length !== 2 || !NAMESPACE.test(namespace) || !SUBDOMAIN.test(name) || name.length > 253) return undefined;
  return [namespace, name];
}

/** Go's `%v` of a v1.ObjectReference: its fields in order, space-separated. */
function goReference(r: Requested): string {
  return `{${r.kind} ${r.namespace} ${r.name}  ${r.apiVersion}  ${r.fieldPath}}`;
}

function requests(headers: Headers): Requested[] | string {
  const out: Requested[] = [];
  const user = values(headers, "impersonate-user")[0] ?? "";
  const base = { namespace: "", apiVersion: "", fieldPath: "" };
  if (user) {
    const account = splitServiceAccount(user);
    if (account) out.push({ ...base, kind: "ServiceAccount", namespace: account[0], name: account[1] });
    else out.push({ ...base, kind: "User", name: user });
  }
  const groups = values(headers, "impersonate-group");
  for (const name of groups) out.push({ ...base, kind: "Group", name });
  let extras = false;
  for (const header of Object.keys(headers)) {
    if (!header.startsWith("impersonate-extra-")) continue;
    extras = true;
    const key = unescapeKey(header.slice("impersonate-extra-".length));
    for (const name of values(headers, header)) out.push({ ...base, kind: "UserExtra", name, apiVersion: AUTHENTICATION_V1, fieldPath: key });
  }
  const uid = values(headers, "impersonate-uid")[0] ?? "";
  if (uid) out.push({ ...base, kind: "UID", name: uid, apiVersion: AUTHENTICATION_V1 });
  if ((groups.length > 0 || extras || uid) && !user) return `requested [${out.map(goReference).join(" ")}] without impersonating a user`;
  return out;
}

/** Whether a request's raw headers (name, value, ...) ask for impersonation: most do not, and pay only this scan. */
export function asksImpersonation(rawHeaders: readonly string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length > 12 && name.slice(0, 12).toLowerCase() === "impersonate-") return true;
  }
  return false;
}

/**
 * Who a request acts as, given who sent it (`requester`) and its headers.
 *
 * @example
 * const outcome = impersonation(req.headersDistinct, user, authorizer);
 * if ("forbidden" in outcome) return reply(403, forbiddenStatus(outcome.forbidden, outcome.reason));
 */
export function impersonation(headers: Headers, requester: UserInfo, authorizer: Authorizer): Impersonation {
  const asked = requests(headers);
  if (typeof asked === "string") return { error: asked };
  if (asked.length === 0) return {};
  const groupsGiven = values(headers, "impersonate-group").length > 0;
  let username = "";
  let uid = "";
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const r of asked) {
    const attrs: RequestAttributes = { user: requester, verb: "impersonate", resourceRequest: true, path: "", apiGroup: r.apiVersion ? "authentication.k8s.io" : "", apiVersion: r.apiVersion ? "v1" : "", resource: "", subresource: "", name: r.name, namespace: r.namespace };
    switch (r.kind) {
      case "ServiceAccount":
        attrs.resource = "serviceaccounts";
        username = `${SA_PREFIX}${r.namespace}:${r.name}`;
        if (!groupsGiven) groups = ["system:serviceaccounts", `system:serviceaccounts:${r.namespace}`];
        break;
      case "User":
        attrs.resource = "users";
        username = r.name;
        break;
      case "Group":
        attrs.resource = "groups";
        groups.push(r.name);
        break;
      case "UserExtra":
        attrs.resource = "userextras";
        attrs.subresource = r.fieldPath;
        (extra[r.fieldPath] ??= []).push(r.name);
        break;
      case "UID":
        attrs.resource = "uids";
        uid = r.name;
        break;
    }
    const decision = authorizer.authorize(attrs);
    if (!decision.allowed) return { forbidden: attrs, reason: decision.reason };
  }
  if (username !== "system:anonymous") {
    if (!groups.some((g) => g === "system:authenticated" || g === "system:unauthenticated")) groups.push("system:authenticated");
  } else if (!groups.includes("system:unauthenticated")) groups.push("system:unauthenticated");
  return { as: { username, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) } };
}
