/**
 * @module cluster/auth/tokens
 * ServiceAccount tokens as a real API server mints them from the TokenRequest API: RS256 JWTs
 * whose key id is the hash of the signing key, with the same claims in the same (sorted)
 * order — `aud`, `exp`, `iat`, `iss`, `jti`, `kubernetes.io`, `nbf`, `sub`. The signing key is
 * made when the issuer is created and never leaves it; its public half (`publicKey`) is what the
 * issuer discovery endpoints publish. The same key signs the legacy tokens of
 * service-account-token Secrets (legacy-tokens).
 */
import { createHash, randomUUID } from "node:crypto";
import { base64url, CompactSign, compactVerify, exportJWK, exportSPKI, generateKeyPair, importSPKI } from "jose";
import type { CryptoKey } from "jose";
import { legacyClaims, legacyIdentity, type LegacyMintRequest } from "./legacy-tokens.js";

/** The issuer (`iss`) of every token, as in a default cluster. */
export const ISSUER = "https://kubernetes.default.svc.cluster.local";
/** The audiences a token gets when the request names none: the API server's own. */
export const DEFAULT_AUDIENCES: readonly string[] = [ISSUER];
/** Accepted clock skew when checking `exp` and `nbf`, in seconds (go-jose's default leeway). */
const LEEWAY_SECONDS = 60;

/** Options of `createTokenIssuer`. */
export interface TokenIssuerOptions {
  /** The clock, in milliseconds since the epoch. Default: `Date.now`. */
  now?: () => number;
}

/** A request to mint a token, as a TokenRequest for the ServiceAccount `namespace/name`. */
/** A reference to a named object with its uid, as a token's claims carry it (pod, secret, node). */
export interface ObjectRef {
  name: string;
  uid: string;
}

export interface MintRequest {
  namespace: string;
  name: string;
  /** The ServiceAccount's uid. */
  uid: string;
  /** Default: `DEFAULT_AUDIENCES`. */
  audiences?: string[];
  /** Lifetime in seconds. Default: 3600. */
  expirationSeconds?: number;
  /**
   * The object the token is bound to (a Pod, Secret or Node); its name and uid go into the
   * claims, and a pod's node (`node`) too.
   */
  boundObject?: ObjectRef & { kind: string; node?: ObjectRef };
  /**
   * Valid this long instead (the JWT's `exp`), with `kubernetes.io.warnafter` at
   * `expirationSeconds`: the server's extension of a kubelet's token (see `extendedLifetime`).
   * The answer's `expirationTimestamp` stays `expirationSeconds` away.
   */
  extendedSeconds?: number;
}

/** What a kubelet asks for a pod's projected token, and what the server then extends it to. */
export const KUBELET_TOKEN_SECONDS = 3607;
export const EXTENDED_TOKEN_SECONDS = 365 * 24 * 60 * 60;

/**
 * The lifetime 1.32 gives a pod-bound token of exactly 3607 s for the API server's own audience,
 * with `--service-account-extend-token-expiration` (on by default): a year, so that clients
 * that never re-read their token keep working (its `warnafter` claim says when it should have).
 */
export function extendedLifetime(expirationSeconds: number, boundKind: string | undefined, audiences: readonly string[]): number | undefined {
  // isKubeAudiences: every audience asked for is one of the API server's.
  const apiServerAudience = audiences.every((a) => DEFAULT_AUDIENCES.includes(a));
  return boundKind === "Pod" && expirationSeconds === KUBELET_TOKEN_SECONDS && apiServerAudience ? EXTENDED_TOKEN_SECONDS : undefined;
}

/** A minted token and when it expires (RFC 3339, seconds precision). */
export interface MintedToken {
  token: string;
  expirationTimestamp: string;
}

/** What a valid token says. */
export interface VerifiedToken {
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  /** The whole payload, e.g. `jti` and `kubernetes.io.pod`. */
  claims: Record<string, unknown>;
  /**
   * Why its time makes it invalid (`service account token has expired`, `... is not valid
   * yet`): the validator says so after the audiences are checked, so it is only reported here.
   */
  timeError?: string;
  /** A legacy token's Secret (its token must still be there): no audience, no expiry. */
  legacySecret?: string;
}

/** The public half of the signing key: what a relying party needs to check a token's signature. */
export interface IssuerPublicKey {
  /** The `kid` of every token it signs: the unpadded base64url SHA-256 of the PKIX (DER) key. */
  kid: string;
  /** The JWS algorithm (`RS256`). */
  alg: "RS256";
  /** The RSA modulus and exponent, unpadded base64url big-endian as in a JWK. */
  n: string;
  e: string;
}

/** Mints and verifies ServiceAccount tokens with one signing key. */
export interface TokenIssuer {
  /** The issuer URL every token names (`iss`). */
  readonly issuer: string;
  /** The signing key's public half. */
  readonly publicKey: IssuerPublicKey;
  mint(req: MintRequest): Promise<MintedToken>;
  /** A legacy token for a service-account-token Secret (the tokens controller's). */
  mintLegacy(req: LegacyMintRequest): Promise<string>;
  /** The token's identity (with `timeError` when expired or not yet valid), or `null` when it is malformed or badly signed. */
  verify(token: string): Promise<VerifiedToken | null>;
}

interface KubernetesClaims {
  namespace?: unknown;
  serviceaccount?: { name?: unknown; uid?: unknown };
}

function isString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/** Reads the identity out of a verified payload; `null` when it is not a ServiceAccount token. */
function identity(claims: Record<string, unknown>): VerifiedToken | null {
  const k8s = claims["kubernetes.io"] as KubernetesClaims | undefined;
  const namespace = k8s?.namespace;
  const name = k8s?.serviceaccount?.name;
  const uid = k8s?.serviceaccount?.uid;
  if (!isString(namespace) || !isString(name) || !isString(uid)) return null;
  if (claims.iss !== ISSUER || claims.sub !== `system:serviceaccount:${namespace}:${name}`) return null;
  const aud = claims.aud;
  const audiences = typeof aud === "string" ? [aud] : Array.isArray(aud) && aud.every(isString) ? aud : null;
  if (!audiences) return null;
  return { namespace, name, uid, audiences, claims };
}

/**
 * Creates a token issuer with a fresh RSA signing key.
 *
 * @example
 * const issuer = await createTokenIssuer();
 * const { token } = await issuer.mint({ namespace: "golden", name: "robot", uid });
 * (await issuer.verify(token))?.name; // "robot"
 */
export async function createTokenIssuer(options: TokenIssuerOptions = {}): Promise<TokenIssuer> {
  const now = options.now ?? Date.now;
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const spki = await exportSPKI(publicKey);
  const der = Buffer.from(spki.replace(/-----[^-]+-----|\s/g, ""), "base64");
  // As the real server: the key id is the unpadded base64url SHA-256 of the PKIX public key.
  const kid = base64url.encode(createHash("sha256").update(der).digest());
  const verifyKey: CryptoKey = await importSPKI(spki, "RS256");
  const { n, e } = await exportJWK(publicKey);
  const published: IssuerPublicKey = { kid, alg: "RS256", n: n!, e: e! };

  return {
    issuer: ISSUER,
    publicKey: published,

    async mint(req) {
      const iat = Math.floor(now() / 1000);
      const expires = iat + (req.expirationSeconds ?? 3600);
      const exp = req.extendedSeconds ? iat + req.extendedSeconds : expires;
      const kubernetes: Record<string, unknown> = { namespace: req.namespace };
      const bound = req.boundObject;
      if (bound?.kind === "Pod") kubernetes.pod = { name: bound.name, uid: bound.uid };
      if (bound?.kind === "Secret") kubernetes.secret = { name: bound.name, uid: bound.uid };
      const node = bound?.kind === "Node" ? bound : bound?.node;
      if (node) kubernetes.node = { name: node.name, uid: node.uid };
      kubernetes.serviceaccount = { name: req.name, uid: req.uid };
      if (req.extendedSeconds) kubernetes.warnafter = expires;
      const payload = {
        aud: req.audiences ?? [...DEFAULT_AUDIENCES],
        exp,
        iat,
        iss: ISSUER,
        jti: randomUUID(),
        "kubernetes.io": kubernetes,
        nbf: iat,
        sub: `system:serviceaccount:${req.namespace}:${req.name}`,
      };
      const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: "RS256", kid })
        .sign(privateKey);
      return { token, expirationTimestamp: new Date(expires * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") };
    },

    async mintLegacy(req) {
      return new CompactSign(new TextEncoder().encode(JSON.stringify(legacyClaims(req)))).setProtectedHeader({ alg: "RS256", kid }).sign(privateKey);
    },

    async verify(token) {
      let payloadBytes: Uint8Array;
      try {
        ({ payload: payloadBytes } = await compactVerify(token, verifyKey, { algorithms: ["RS256"] }));
      } catch {
        return null;
      }
      let claims: unknown;
      try {
        claims = JSON.parse(new TextDecoder().decode(payloadBytes));
      } catch {
        return null;
      }
      if (typeof claims !== "object" || claims === null || Array.isArray(claims)) return null;
      const record = claims as Record<string, unknown>;
      const seconds = now() / 1000;
      const legacy = legacyIdentity(record);
      if (legacy) return { namespace: legacy.namespace, name: legacy.name, uid: legacy.uid, audiences: [], claims: record, legacySecret: legacy.secretName };
      const verified = identity(record);
      if (!verified) return null;
      if (typeof record.exp !== "number" || seconds > record.exp + LEEWAY_SECONDS) verified.timeError = "service account token has expired";
      else if (typeof record.nbf === "number" && seconds < record.nbf - LEEWAY_SECONDS) verified.timeError = "service account token is not valid yet";
      return verified;
    },
  };
}
