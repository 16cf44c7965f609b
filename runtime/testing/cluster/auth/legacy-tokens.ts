/**
 * @module cluster/auth/legacy-tokens
 * Legacy (Secret-based) ServiceAccount tokens, as kube-controller-manager's tokens controller
 * mints them into `kubernetes.io/service-account-token` Secrets (serviceaccount.LegacyClaims):
 * issuer `kubernetes/serviceaccount`, no audience, no expiry, the namespace, Secret and
 * ServiceAccount named in flat `kubernetes.io/serviceaccount/...` claims, in that (sorted) order.
 * The API server accepts one for its own audiences while the Secret still holds it and the
 * ServiceAccount is the one it names (authn).
 */

/** The issuer (`iss`) of a legacy token. */
export const LEGACY_ISSUER = "kubernetes/serviceaccount";

const PREFIX = "kubernetes.io/serviceaccount/";

/** Whom a legacy token is for. */
export interface LegacyMintRequest {
  namespace: string;
  /** The ServiceAccount's name and uid. */
  name: string;
  uid: string;
  /** The Secret that holds it. */
  secretName: string;
}

/** A legacy token's payload. */
export function legacyClaims(req: LegacyMintRequest): Record<string, string> {
  return {
    iss: LEGACY_ISSUER,
    [`${PREFIX}namespace`]: req.namespace,
    [`${PREFIX}secret.name`]: req.secretName,
    [`${PREFIX}service-account.name`]: req.name,
    [`${PREFIX}service-account.uid`]: req.uid,
    sub: `system:serviceaccount:${req.namespace}:${req.name}`,
  };
}

/** What a verified legacy payload names; `null` when it is not one. */
export function legacyIdentity(claims: Record<string, unknown>): LegacyMintRequest | null {
  if (claims.iss !== LEGACY_ISSUER) return null;
  const [namespace, secretName, name, uid] = ["namespace", "secret.name", "service-account.name", "service-account.uid"].map((k) => claims[`${PREFIX}${k}`]);
  const all = [namespace, secretName, name, uid];
  if (!all.every((v): v is string => typeof v === "string" && v !== "")) return null;
  if (claims.sub !== `system:serviceaccount:${namespace}:${name}`) return null;
  return { namespace: namespace as string, name: name as string, uid: uid as string, secretName: secretName as string };
}
