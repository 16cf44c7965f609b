/**
 * @module cluster/serviceaccount-tokens
 * kube-controller-manager's tokens controller (pkg/controller/serviceaccount/tokens_controller.go,
 * 1.32) for `kubernetes.io/service-account-token` Secrets, run after the write that stored one
 * (asynchronously, as a controller: the write's answer is the Secret as sent):
 * - a Secret whose ServiceAccount (its `kubernetes.io/service-account.name`, and uid when
 *   annotated) is missing is deleted;
 * - else a missing `token` (a legacy JWT, auth/legacy-tokens), `ca.crt` (the cluster's CA) or
 *   `namespace` is filled in, with the account's name and uid annotations, by an update;
 * - a ServiceAccount removed takes its token Secrets with it;
 * - a token Secret removed leaves its ServiceAccount's `secrets` (removeSecretReference: when
 *   the account it names, and its uid when annotated, still stands and lists it, every entry
 *   of that name goes, by an update of the account).
 * Its writes are requests of `system:kube-controller-manager` (controller-admission.ts: an
 * UPDATE with UpdateOptions, a DELETE with `preconditions.uid`), reviewed by the admission
 * webhooks that match them, else made inline (the updates recorded under
 * `kube-controller-manager`). A Secret's update or delete refused (or failing) is tried again
 * after 5 ms, doubling, at most ten times (the controller's maxRetries): then it waits for the
 * Secret's next change; a Conflict or NotFound is not retried (the change that caused it brings
 * the Secret back). The account's update is not tried again when refused (the controller only
 * logs it: RetryOnConflict retries a Conflict alone).
 * Not modelled: the `kubernetes.io/legacy-token-last-used` label the authenticator sets, and
 * the cleaner of unused legacy tokens.
 */
import type { ServerAuth } from "./call.js";
import { TOKENS_CONTROLLER } from "./controller-admission.js";
import type { Registry } from "./registry.js";
import type { ResourceDef } from "./resources.js";
import { ApiError } from "./status.js";

type Obj = Record<string, any>;

export const TOKEN_SECRET_TYPE = "kubernetes.io/service-account-token";
const NAME_KEY = "kubernetes.io/service-account.name";
const UID_KEY = "kubernetes.io/service-account.uid";

/** DefaultControllerRateLimiter's longest delay; the retries stop at maxRetries (10) well before it. */
const MAX_RETRY_MS = 1_000_000;
const MAX_RETRIES = 10;

const b64 = (text: string) => Buffer.from(text).toString("base64");
const isCore = (def: ResourceDef, resource: string) => def.group === "" && def.resource === resource;

/** Whether a token Secret's annotations name `sa`: its name, and its uid when annotated. */
function namesAccount(secret: Obj, sa: Obj): boolean {
  const annotations = secret.metadata.annotations ?? {};
  return annotations[NAME_KEY] === sa.metadata.name && (!annotations[UID_KEY] || annotations[UID_KEY] === sa.metadata.uid);
}

/** The controller's reactions to the writes the registry makes. */
export interface TokensController {
  written(def: ResourceDef, obj: Obj): void;
  removed(def: ResourceDef, obj: Obj): void;
}

/** The tokens controller of `registry`'s cluster, whose CA is `caPem`. */
export function tokensController(registry: Registry, auth: ServerAuth, caPem: string): TokensController {
  const secrets = () => registry.core("secrets");
  const live = (namespace: string, name: string, uid: string) => {
    const entry = registry.store.get(secrets(), namespace, name);
    return entry && entry.obj.metadata.uid === uid && !entry.obj.metadata.deletionTimestamp ? entry : undefined;
  };
  /** The ServiceAccount a token Secret names, if it exists (and is the one its uid annotation names). */
  const accountOf = (secret: Obj): Obj | undefined => {
    const sa = registry.store.get(registry.core("serviceaccounts"), secret.metadata.namespace, secret.metadata.annotations?.[NAME_KEY] ?? "")?.obj;
    return sa && namesAccount(secret, sa) ? sa : undefined;
  };

  /** Settles `key`'s retries by the outcome of `write` (a promise: reviewed; none: done inline). */
  const settle = (key: string, write: () => Promise<void> | void, retry: () => void) => {
    const done = () => registry.retries.succeeded(key);
    const failed = (err: unknown) => {
      // retryOrForget: a Conflict or NotFound waits for the event that caused it.
      if (err instanceof ApiError && (err.status.code === 409 || err.status.code === 404)) done();
      else registry.retries.later(key, retry, MAX_RETRY_MS, MAX_RETRIES);
    };
    try {
      const pending = write();
      if (pending) pending.then(done, failed);
      else done();
    } catch (err) {
      failed(err);
    }
  };

  /** deleteToken: the DELETE of `secret` with its uid as precondition; undefined when done inline. */
  const deleteToken = (secret: Obj): Promise<void> | void => {
    const review = registry.reviewControllerDelete?.(TOKENS_CONTROLLER, secrets(), secret, { preconditions: { uid: secret.metadata.uid } });
    if (!review) {
      registry.deleteObject(secrets(), secret, undefined);
      return;
    }
    return review().then(() => {
      const current = live(secret.metadata.namespace, secret.metadata.name, secret.metadata.uid);
      if (current) registry.deleteObject(secrets(), current.obj, undefined);
    });
  };

  /** The update filling `secret`'s data for `sa` (`token`: minted for it, used where none is there). */
  const filled = (sa: Obj, token: string | undefined) => (copy: Obj): Obj => {
    copy.data = { ...(copy.data ?? {}) };
    if (!copy.data.token && token) copy.data.token = b64(token);
    if (copy.data["ca.crt"] !== b64(caPem)) copy.data["ca.crt"] = b64(caPem);
    if (!copy.data.namespace) copy.data.namespace = b64(copy.metadata.namespace);
    copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [NAME_KEY]: sa.metadata.name, [UID_KEY]: sa.metadata.uid };
    return copy;
  };

  /** syncSecret for the token Secret `namespace/name` with `uid`. */
  async function sync(namespace: string, name: string, uid: string): Promise<void> {
    const key = `tokens secret ${uid}`;
    const retry = () => void sync(namespace, name, uid).catch(() => undefined);
    const entry = live(namespace, name, uid);
    if (!entry) return registry.retries.succeeded(key);
    const sa = accountOf(entry.obj);
    if (!sa) return settle(key, () => deleteToken(entry.obj), retry);
    const data: Obj = entry.obj.data ?? {};
    if (data["ca.crt"] === b64(caPem) && data.namespace && data.token) return registry.retries.succeeded(key);
    const token = data.token ? undefined : await auth.issuer.mintLegacy({ namespace, name: sa.metadata.name, uid: sa.metadata.uid, secretName: name });
    // The update goes to the Secret as it is now (the controller re-reads it).
    const current = live(namespace, name, uid);
    if (!current || accountOf(current.obj)?.metadata.uid !== sa.metadata.uid) return registry.retries.succeeded(key);
    const change = filled(sa, token);
    const review = registry.reviewControllerUpdate?.(TOKENS_CONTROLLER, secrets(), current.obj, change);
    settle(key, () => (review ? review() : registry.writeControllerUpdate?.(TOKENS_CONTROLLER, secrets(), current.obj, change)), retry);
  }

  /**
   * syncSecret for a removed token Secret: removeSecretReference, the account's update dropping
   * every entry of `secret`'s name from its `secrets` (left out when none remain: omitempty).
   */
  function removeSecretReference(secret: Obj): void {
    const sa = accountOf(secret);
    const name = secret.metadata.name;
    if (!sa || !((sa.secrets ?? []) as Obj[]).some((ref) => ref.name === name)) return;
    const change = (copy: Obj): Obj => {
      copy.secrets = ((copy.secrets ?? []) as Obj[]).filter((ref) => ref.name !== name);
      if (copy.secrets.length === 0) delete copy.secrets;
      return copy;
    };
    const accounts = registry.core("serviceaccounts");
    const review = registry.reviewControllerUpdate?.(TOKENS_CONTROLLER, accounts, sa, change);
    try {
      if (review) void review().catch(() => undefined);
      else registry.writeControllerUpdate?.(TOKENS_CONTROLLER, accounts, sa, change);
    } catch {
      // Logged by the controller, not retried.
    }
  }

  /** syncServiceAccount for a removed ServiceAccount: deleteTokens, all again when one fails. */
  function deleteTokens(sa: Obj): void {
    const { namespace, uid } = sa.metadata;
    const tokens = registry.store.list(secrets(), namespace).map(({ entry }) => entry.obj).filter((s) => s.type === TOKEN_SECRET_TYPE && !s.metadata.deletionTimestamp && namesAccount(s, sa));
    settle(`tokens serviceaccount ${uid}`, () => {
      const pending = tokens.map((secret) => deleteToken(secret)).filter((p) => p !== undefined);
      if (pending.length) return Promise.allSettled(pending).then((results) => {
        const refused = results.find((r) => r.status === "rejected");
        if (refused) throw refused.reason;
      });
    }, () => deleteTokens(sa));
  }

  return {
    written(def, obj) {
      if (!isCore(def, "secrets") || obj.type !== TOKEN_SECRET_TYPE || obj.metadata.deletionTimestamp) return;
      const { namespace, name, uid } = obj.metadata;
      void sync(namespace, name, uid).catch(() => undefined);
    },
    removed(def, obj) {
      if (isCore(def, "serviceaccounts")) deleteTokens(obj);
      else if (isCore(def, "secrets") && obj.type === TOKEN_SECRET_TYPE) removeSecretReference(obj);
    },
  };
}
