/**
 * @module cluster/issuer-discovery
 * The ServiceAccount issuer discovery endpoints, as 1.32 serves them by default
 * (pkg/routes/openidmetadata.go over pkg/serviceaccount/openidmetadata.go):
 * `/.well-known/openid-configuration`, the OIDC provider metadata as `application/json`, and
 * `/openid/v1/jwks`, the token signer's public key as `application/jwk-set+json`. Both are
 * compact JSON (Go's `json.Marshal`: fields in struct order, a JWK in go-jose's `use`, `kty`,
 * `kid`, `alg`, `n`, `e` order) with `Cache-Control: public, max-age=3600`, which overrides the
 * server's usual `no-cache, private`.
 */
import type { IssuerPublicKey, TokenIssuer } from "./auth/index.js";
import type { Reply } from "./call.js";

/** serviceaccount.OpenIDConfigPath. */
export const OPENID_CONFIG_PATH = "/.well-known/openid-configuration";
/** serviceaccount.JWKSPath. */
export const JWKS_PATH = "/openid/v1/jwks";

/** The static key getter's GetCacheAgeMaxSeconds: one hour. */
const CACHE_CONTROL = "public, max-age=3600";
/** routes.mimeJWKS. */
const MIME_JWKS = "application/jwk-set+json";

/** go-jose's JSONWebKey.MarshalJSON of a public RSA key: rawJSONWebKey's field order. */
function jwk(key: IssuerPublicKey): Record<string, string> {
  return { use: "sig", kty: "RSA", kid: key.kid, alg: key.alg, n: key.n, e: key.e };
}

/**
 * openIDMetadata: the issuer, `jwks_uri` (with no `--service-account-jwks-uri`, `https://` +
 * the external address + the JWKS path), and the required lists; the signing algorithms are the
 * keys' algorithms, deduplicated and sorted (`sets.String.List`).
 */
function configuration(issuer: TokenIssuer, externalAddress: string): string {
  return JSON.stringify({
    issuer: issuer.issuer,
    jwks_uri: `https://${externalAddress}${JWKS_PATH}`,
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [...new Set([issuer.publicKey.alg])].sort(),
  });
}

/**
 * The answer to a GET of `path` when it is an issuer discovery endpoint (a trailing slash is
 * go-restful's same route), else `undefined`.
 */
export function serveIssuerDiscovery(issuer: TokenIssuer, path: string, externalAddress: string): Reply | undefined {
  if (path === OPENID_CONFIG_PATH) {
    return { status: 200, body: configuration(issuer, externalAddress), contentType: "application/json", headers: { "Cache-Control": CACHE_CONTROL } };
  }
  if (path === JWKS_PATH) {
    return { status: 200, body: JSON.stringify({ keys: [jwk(issuer.publicKey)] }), contentType: MIME_JWKS, headers: { "Cache-Control": CACHE_CONTROL } };
  }
  return undefined;
}
