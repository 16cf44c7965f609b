/**
 * @module cluster/auth/authn
 * Bearer-token authentication as the real API server does it: the static admin token (a
 * `system:masters` user), ServiceAccount JWTs (only while the ServiceAccount still exists and
 * only for the server's audiences; a legacy one only while its Secret holds it), no credentials or a non-bearer header (anonymous; a space
 * before the token too, with a warning), and anything else invalid (answered 401).
 */
import { timingSafeEqual } from "node:crypto";
import { DEFAULT_AUDIENCES } from "./tokens.js";
import type { ObjectRef, TokenIssuer, VerifiedToken } from "./tokens.js";
import type { UserInfo } from "./types.js";

/** The user a ServiceAccount token authenticates as (serviceaccount.UserInfo). */
function serviceAccountUser(verified: VerifiedToken): UserInfo {
  return {
    username: `system:serviceaccount:${verified.namespace}:${verified.name}`,
    uid: verified.uid,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${verified.namespace}`, "system:authenticated"],
  };
}

/** Who sends no credentials, as the real server names them. */
export const ANONYMOUS_USER: Readonly<UserInfo> = Object.freeze({ username: "system:anonymous", groups: ["system:unauthenticated"] });
/** The identity of the admin token. */
export const ADMIN_USERNAME = "system:admin";

/** Options of `createAuthenticator`. */
export interface AuthenticatorOptions {
  issuer: TokenIssuer;
  /** The static token of the admin (groups `system:masters`, `system:authenticated`). */
  adminToken: string;
  /** The uid of the ServiceAccount `ns/name`, undefined when there is none: tokens of deleted (or recreated) ones are rejected. */
  serviceAccountUid: (namespace: string, name: string) => string | undefined;
  /**
   * The uid of the Pod, Secret or Node `ns/name` (a Node's namespace is ""), undefined when there
   * is none: a token bound to one that is gone (or another of that name) is rejected, as the real
   * token validator rejects it (a pod's token's node is not checked). Default: not checked.
   */
  boundObjectUid?: (kind: "Pod" | "Secret" | "Node", namespace: string, name: string) => string | undefined;
  /**
   * The `token` a service-account-token Secret `ns/name` holds (decoded), `deleting` when it has a
   * deletionTimestamp; undefined when there is none. Default: legacy tokens are refused.
   */
  legacySecret?: (namespace: string, name: string) => { token: string | undefined; deleting: boolean } | undefined;
  /** Audiences the API server accepts. Default: `["https://kubernetes.default.svc.cluster.local"]`. */
  audiences?: string[];
}

/** A user, `"anonymous"` (no bearer token: treat as `ANONYMOUS_USER`) or `"invalid"` (answer 401). */
export type AuthenticationResult = UserInfo | "anonymous" | "invalid";

/** A token's user and the audiences it was accepted for. */
export interface TokenAuthentication {
  user: UserInfo;
  audiences: string[];
}

/**
 * A token refused, and why, in the ServiceAccount authenticator's words (a TokenReview's
 * `status.error`): `invalid bearer token` when no authenticator recognised it.
 */
export interface TokenRejection {
  error: string;
}

export interface Authenticator {
  /**
   * Authenticates a request from its `Authorization` header; `addWarning` receives the warnings
   * the authenticator adds to the request (`warning.AddWarning`), for its answer's headers.
   */
  authenticate(authorizationHeader: string | undefined, addWarning?: (text: string) => void): Promise<AuthenticationResult>;
  /**
   * Authenticates a bare token for `audiences` (default: the server's), as a TokenReview does;
   * a refused token is `{error}`, worded as the real authenticator's.
   */
  authenticateToken(token: string, audiences?: string[]): Promise<TokenAuthentication | TokenRejection>;
}

/** bearertoken.go's invalidTokenWithSpaceWarning. */
const SPACE_BEFORE_TOKEN_WARNING = "the provided Authorization header contains extra space before the bearer token, and is ignored";

/** What a TokenReview says of a token no authenticator recognised (the union authenticator's). */
const INVALID_TOKEN = "invalid bearer token";

/** Go's `%q` of a string slice: `["a" "b"]`. */
function goQuoted(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(" ")}]`;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Creates the authenticator of the emulated API server.
 *
 * @example
 * const authn = createAuthenticator({ issuer, adminToken, serviceAccountExists: (ns, n, uid) => store.has(ns, n, uid) });
 * const who = await authn.authenticate(req.headers.authorization);
 * if (who === "invalid") return reply(401, unauthorizedStatus());
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const serverAudiences = options.audiences ?? [...DEFAULT_AUDIENCES];

  // The ServiceAccount token authenticator's checks, in its order (jwt.go's AuthenticateToken,
  // then claims.go's Validate), each refusal in its words.
  async function authenticateToken(token: string, audiences: string[] = serverAudiences): Promise<TokenAuthentication | TokenRejection> {
    if (sameSecret(token, options.adminToken)) {
      return { user: { username: ADMIN_USERNAME, groups: ["system:masters", "system:authenticated"] }, audiences };
    }
    const verified = await options.issuer.verify(token);
    if (!verified) return { error: INVALID_TOKEN };
    if (verified.legacySecret !== undefined) return legacyToken(token, verified, audiences);
    const accepted = audiences.filter((aud) => verified.audiences.includes(aud));
    if (accepted.length === 0) return { error: `token audiences ${goQuoted(verified.audiences)} is invalid for the target audiences ${goQuoted(audiences)}` };
    if (verified.timeError) return { error: verified.timeError };
    const accountError = serviceAccountError(verified);
    if (accountError) return { error: accountError };
    const k8s = verified.claims["kubernetes.io"] as { pod?: ObjectRef; secret?: ObjectRef; node?: ObjectRef };
    const uidOf = options.boundObjectUid;
    // A node claim is checked only on a token bound to the Node itself (not a pod's).
    for (const [kind, ref] of [["Secret", k8s.secret], ["Pod", k8s.pod], ["Node", k8s.pod ? undefined : k8s.node]] as const) {
      if (!uidOf || !ref) continue;
      const uid = uidOf(kind, kind === "Node" ? "" : verified.namespace, ref.name);
      if (uid === undefined) return { error: "service account token has been invalidated" };
      const which = kind.toLowerCase();
      if (uid !== ref.uid) return { error: `${which} UID (${uid}) does not match service account ${which} ref claim (${ref.uid})` };
    }
    const extra: Record<string, string[]> = { "authentication.kubernetes.io/credential-id": [`JTI=${String(verified.claims.jti)}`] };
    if (k8s.pod) {
      extra["authentication.kubernetes.io/pod-name"] = [k8s.pod.name];
      extra["authentication.kubernetes.io/pod-uid"] = [k8s.pod.uid];
    }
    if (k8s.node) {
      extra["authentication.kubernetes.io/node-name"] = [k8s.node.name];
      extra["authentication.kubernetes.io/node-uid"] = [k8s.node.uid];
    }
    return { user: { ...serviceAccountUser(verified), extra }, audiences: accepted };
  }

  // legacy.go's validator: a legacy token has the server's (implicit) audiences; its Secret must
  // still hold it, then the ServiceAccount must be the one it names.
  function legacyToken(token: string, verified: VerifiedToken, audiences: string[]): TokenAuthentication | TokenRejection {
    const accepted = audiences.filter((aud) => serverAudiences.includes(aud));
    if (accepted.length === 0) return { error: `token audiences ${goQuoted(serverAudiences)} is invalid for the target audiences ${goQuoted(audiences)}` };
    const secret = options.legacySecret?.(verified.namespace, verified.legacySecret!);
    if (!secret || secret.deleting) return { error: "service account token has been invalidated" };
    if (secret.token !== token) return { error: "service account token does not match server's copy" };
    const accountError = serviceAccountError(verified);
    if (accountError) return { error: accountError };
    return { user: serviceAccountUser(verified), audiences: accepted };
  }

  // The ServiceAccount a token names must exist with the uid it was minted for.
  function serviceAccountError(verified: VerifiedToken): string | undefined {
    const saUid = options.serviceAccountUid(verified.namespace, verified.name);
    if (saUid === undefined) return `serviceaccounts "${verified.name}" not found`;
    if (saUid !== verified.uid) return `service account UID (${saUid}) does not match claim (${verified.uid})`;
    return undefined;
  }

  return {
    authenticateToken,
    async authenticate(header, addWarning) {
      // As k8s.io/apiserver's bearertoken authenticator: no header, another scheme or an empty
      // token mean "no credentials" (anonymous); a bearer token that fails means 401.
      const auth = header?.trim() ?? "";
      const parts = auth.split(" ");
      if (parts.length < 2 || parts[0]?.toLowerCase() !== "bearer") return "anonymous";
      const token = parts[1] ?? "";
      if (token === "") {
        // `Bearer  <token>`: the token after the second space is not read, and the answer says so.
        if (parts.length > 2) addWarning?.(SPACE_BEFORE_TOKEN_WARNING);
        return "anonymous";
      }
      const result = await authenticateToken(token);
      return "user" in result ? result.user : "invalid";
    },
  };
}
