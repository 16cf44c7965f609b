/**
 * @module http/auth/service-account
 * The caller's own Kubernetes ServiceAccount token (`Authorization: Bearer <token>`), checked
 * with a TokenReview against the API server. The reviewed identity must be one of `allow`:
 * `system:serviceaccount:NS:NAME`, or `system:serviceaccount:NS:*` for a whole namespace.
 *
 * Reviews are cached for `cacheTtlMs` (10 s) keyed by a SHA-256 hash of the token (never the
 * token), at most `cacheSize` entries, to spare the API server — the tokens it did not
 * authenticate too, as the API server's own delegated authentication caches both (10 s): a
 * caller repeating a bad token costs one review, not one per request. Calls that arrive with a
 * token while its review is under way wait for that review, as the API server's token cache
 * joins them (`getOrWait`): a burst of calls with a fresh token costs one review, not one per
 * call. A review that failed (the API server unreachable) fails the calls that waited for it
 * and is not cached. A token the API server does not authenticate → 401, as one whose review does not name
 * one of `audiences` (when given: TokenReview's contract, since an authenticator may ignore
 * them); an identity not allowed → 403.
 * The pod's ServiceAccount needs `create` on `tokenreviews.authentication.k8s.io` (cluster-wide,
 * e.g. the `system:auth-delegator` ClusterRole); a failing TokenReview answers 500, and one still
 * waited for when the server gives up on calls in flight (shutdown) ends with them (503).
 */
import { createHash } from "node:crypto";
import type { ServiceAccountAuth } from "../../function.js";
import type { KubeClient } from "../../kube/api.js";
import { Refusal } from "../respond.js";
import { BEARER_CHALLENGE, bearerToken, forbidden, type AuthChecker } from "./types.js";

export interface ServiceAccountAuthOptions {
  /** How long a positive review is reused, in milliseconds. Default 10000. */
  cacheTtlMs?: number;
  /** Most cached reviews; the oldest is dropped first. Default 1000. */
  cacheSize?: number;
}

const INVALID_TOKEN = new Refusal(401, "unauthenticated", "the token is not valid (TokenReview did not authenticate it)", {
  "www-authenticate": `${BEARER_CHALLENGE["www-authenticate"]}, error="invalid_token"`,
});

const SA_PREFIX = "system:serviceaccount:";

/**
 * @example
 * const checker = serviceAccountAuth({ type: "serviceAccount", allow: ["system:serviceaccount:ci:*"] }, kube);
 */
export function serviceAccountAuth(auth: ServiceAccountAuth, kube: KubeClient, options: ServiceAccountAuthOptions = {}): AuthChecker {
  const ttl = options.cacheTtlMs ?? 10_000;
  const size = options.cacheSize ?? 1000;
  const exact = new Set<string>();
  const namespaces = new Set<string>();
  for (const entry of auth.allow) {
    if (entry.startsWith(SA_PREFIX) && entry.endsWith(":*")) namespaces.add(entry.slice(SA_PREFIX.length, -2));
    else exact.add(entry);
  }
  const audiences = auth.audiences?.length ? new Set(auth.audiences) : undefined;
  const wrongAudience = new Refusal(401, "unauthenticated", `the token is not for this function's audience: request one for ${auth.audiences?.[0] ?? ""} (a projected ServiceAccount token's audience)`, {
    "www-authenticate": `${BEARER_CHALLENGE["www-authenticate"]}, error="invalid_token"`,
  });
  /** Hash of a token → [its username, or the refusal of a token the review did not authenticate; expiry in ms since the epoch]. */
  const cache = new Map<string, [string | Refusal, number]>();
  /** Hash of a token → its review under way (the username, or the refusal), which later calls with it join. */
  const reviewing = new Map<string, Promise<string | Refusal>>();

  function remember(key: string, outcome: string | Refusal, now: number): void {
    cache.delete(key);
    if (cache.size >= size) cache.delete(cache.keys().next().value!);
    cache.set(key, [outcome, now + ttl]);
  }

  function allowed(username: string): boolean {
    if (exact.has(username)) return true;
    if (!username.startsWith(SA_PREFIX)) return false;
    const rest = username.slice(SA_PREFIX.length);
    const colon = rest.indexOf(":");
    return colon > 0 && namespaces.has(rest.slice(0, colon));
  }

  function decide(username: string): Refusal | undefined {
    return allowed(username) ? undefined : forbidden(`${username} may not call this function`);
  }

  return {
    phase: "headers",
    check: async function checkServiceAccount(request, _body, signal, logFields) {
      const token = bearerToken(request.header("authorization"));
      if (token instanceof Refusal) return token;
      const key = createHash("sha256").update(token).digest("base64");
      const now = Date.now();
      const cached = cache.get(key);
      if (cached && cached[1] > now) return typeof cached[0] === "string" ? decide(cached[0]) : cached[0];
      let review = reviewing.get(key);
      if (!review) {
        review = reviewOf(token, key, signal, logFields).finally(() => reviewing.delete(key));
        reviewing.set(key, review);
      }
      const outcome = await review;
      return typeof outcome === "string" ? decide(outcome) : outcome;
    },
  };

  /**
   * The reviewed username of `token`, or the 401 of a token the review did not authenticate;
   * remembered for `ttl`. The client's lines (retries) carry the call's `logFields`: the first
   * caller's, for a review that later calls join.
   */
  async function reviewOf(token: string, key: string, signal: AbortSignal | undefined, logFields: Readonly<Record<string, unknown>> | undefined): Promise<string | Refusal> {
    const client = logFields ? kube.with({ logFields }) : kube;
    const status = await client.tokenReview(token, auth.audiences, { signal });
    const username = status.authenticated ? status.user?.username : undefined;
    // The review's own answer must name one of the audiences asked for: an authenticator
    // that ignores them (a webhook's) answers a token of any audience as authenticated.
    const outcome = !username ? INVALID_TOKEN : audiences && !status.audiences?.some((a) => audiences.has(a)) ? wrongAudience : username;
    remember(key, outcome, Date.now());
    return outcome;
  }
}
