/**
 * @module cluster/serviceaccount-tokens
 * kube-controller-manager's tokens controller (pkg/controller/serviceaccount/tokens_controller.go,
 * 1.32) for `kubernetes.io/service-account-token` Secrets, run after the write that stored one
 * (asynchronously, as a controller: the write's answer is the Secret as sent):
 * - a Secret whose ServiceAccount (its `kubernetes.io/service-account.name`, and uid when
 *   annotated) is missing is deleted;
 * - else a missing `token` (a legacy JWT, auth/legacy-tokens), `ca.crt` (the cluster's CA) or
 *   `namespace` is filled in, with the account's name and uid annotations, by an update as
 *   `kube-controller-manager`;
 * - a ServiceAccount removed takes its token Secrets with it.
 * Not modelled: the `kubernetes.io/legacy-token-last-used` label the authenticator sets, and
 * the cleaner of unused legacy tokens.
 */
import type { Call } from "./call.js";
import type { ResourceDef } from "./resources.js";
import { updateObject } from "./write.js";

type Obj = Record<string, any>;

export const TOKEN_SECRET_TYPE = "kubernetes.io/service-account-token";
const NAME_KEY = "kubernetes.io/service-account.name";
const UID_KEY = "kubernetes.io/service-account.uid";

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

/** The tokens controller of a cluster whose CA is `caPem`; `call`: its own (the server's internal call on secrets, as kube-controller-manager). */
export function tokensController(call: Call, caPem: string): TokensController {
  const { registry, auth } = call;
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

  async function sync(namespace: string, name: string, uid: string): Promise<void> {
    const entry = live(namespace, name, uid);
    if (!entry) return;
    const sa = accountOf(entry.obj);
    if (!sa) {
      registry.deleteObject(secrets(), entry.obj, "Background");
      return;
    }
    const data: Obj = entry.obj.data ?? {};
    const needsCA = data["ca.crt"] !== b64(caPem);
    if (!needsCA && data.namespace && data.token) return;
    const token = data.token ? undefined : await auth.issuer.mintLegacy({ namespace, name: sa.metadata.name, uid: sa.metadata.uid, secretName: name });
    // The update goes to the Secret as it is now (the controller re-reads and retries a conflict).
    const current = live(namespace, name, uid);
    if (!current || accountOf(current.obj)?.metadata.uid !== sa.metadata.uid) return;
    const next = structuredClone(current.obj);
    next.data = { ...(next.data ?? {}) };
    if (!next.data.token && token) next.data.token = b64(token);
    if (needsCA) next.data["ca.crt"] = b64(caPem);
    if (!next.data.namespace) next.data.namespace = b64(namespace);
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [NAME_KEY]: sa.metadata.name, [UID_KEY]: sa.metadata.uid };
    updateObject({ ...call, info: { ...call.info, verb: "update", namespace, name } }, current, next, "main");
  }

  return {
    written(def, obj) {
      if (!isCore(def, "secrets") || obj.type !== TOKEN_SECRET_TYPE || obj.metadata.deletionTimestamp) return;
      const { namespace, name, uid } = obj.metadata;
      void sync(namespace, name, uid).catch(() => undefined);
    },
    removed(def, obj) {
      if (!isCore(def, "serviceaccounts")) return;
      for (const { entry } of registry.store.list(secrets(), obj.metadata.namespace)) {
        const secret = entry.obj;
        if (secret.type !== TOKEN_SECRET_TYPE || secret.metadata.deletionTimestamp) continue;
        if (namesAccount(secret, obj)) registry.deleteObject(secrets(), secret, "Background");
      }
    },
  };
}
