/**
 * @module cluster/issuer-discovery
 * The ServiceAccount issuer discovery endpoints, as 1.32 serves them by default
 * (pkg/routes/openidmetadata.go over pkg/serviceaccount/openidmetadata.go):
 * `/.well-known/openid-configuration`, the OIDC provider metadata as `application/json`, and
 * `/openid/v1/jwks`, the token signer's public key as `application/jwk-set+json`. Both are
 * compact JSON (Go's `json.Marshal`: fields in struct order, a JWK in go-jose's `use`, `kty`,
 * `kid`, `alg`, `n`, `e` order) with `Cache-Control: public, max-age=3600`, which overrides the
 * server's usual `no-cache, private`. Each is a go-restful route that `Produces` its one type: an
 * Accept header naming neither it nor the any-type wildcard is go-restful's 406 (see `notAcceptable`).
 */
import { negotiate } from "./accept.js";
import type { IssuerPublicKey, TokenIssuer } from "./auth/index.js";
import type { Reply } from "./call.js";
import { failure } from "./status.js";

/** serviceaccount.OpenIDConfigPath. */
export const OPENID_CONFIG_PATH = "/.well-known/openid-configuration";
/** serviceaccount.JWKSPath. */
export const JWKS_PATH = "/openid/v1/jwks";

/** The static key getter's GetCacheAgeMaxSeconds: one hour. */
const CACHE_CONTROL = "public, max-age=3600";
/** The Accept clause go-restful takes for any type. */
const ANY = "*/*";
/** restful.MIME_JSON, what the configuration's route produces. */
const MIME_JSON = "application/json";
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
 * go-restful's `Route.matchesAccept`: each comma-separated clause, its parameters (`q` too) cut
 * off at the first `;` and spaces trimmed, is compared as is (case-sensitive; a subtype wildcard
 * is no match) with `ANY` and the produced type; no Accept header counts as `ANY`
 * (`RouterJSR311.detectRoute`).
 */
function acceptsProduced(accept: string, produces: string): boolean {
  for (const clause of (accept || ANY).split(",")) {
    const type = clause.split(";")[0]!.replace(/^ +| +$/g, "");
    if (type === ANY || type === produces) return true;
  }
  return false;
}

/**
 * go-restful's 406 `406: Not Acceptable\n\nAvailable representations: <type>`, as the server's
 * ServiceErrorHandler wraps it (`NewGenericServerResponse`: reason NotAcceptable, empty details)
 * and writes it with `ErrorNegotiated`: in the serializer the same Accept header negotiates (always
 * JSON here, where a YAML or protobuf clause gets that encoding), or, when it names none,
 * `WriteRawJSON`'s two-space indented JSON. The route's handler never runs: no `Cache-Control` of its own.
 */
function notAcceptable(accept: string, produces: string): Reply {
  const status = failure(406, "NotAcceptable", `406: Not Acceptable\n\nAvailable representations: ${produces}`, {});
  const negotiated = negotiate(accept, () => undefined) !== undefined;
  return { status: 406, body: JSON.stringify(status, null, negotiated ? undefined : 2) };
}

/**
 * The answer to a GET of `path` when it is an issuer discovery endpoint (a trailing slash is
 * go-restful's same route), else `undefined`; `accept` is the request's Accept header.
 */
export function serveIssuerDiscovery(issuer: TokenIssuer, path: string, externalAddress: string, accept: string): Reply | undefined {
  if (path === OPENID_CONFIG_PATH) {
    if (!acceptsProduced(accept, MIME_JSON)) return notAcceptable(accept, MIME_JSON);
    return { status: 200, body: configuration(issuer, externalAddress), contentType: MIME_JSON, headers: { "Cache-Control": CACHE_CONTROL } };
  }
  if (path === JWKS_PATH) {
    if (!acceptsProduced(accept, MIME_JWKS)) return notAcceptable(accept, MIME_JWKS);
    return { status: 200, body: JSON.stringify({ keys: [jwk(issuer.publicKey)] }), contentType: MIME_JWKS, headers: { "Cache-Control": CACHE_CONTROL } };
  }
  return undefined;
}
