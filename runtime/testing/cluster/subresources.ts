/**
 * @module cluster/subresources
 * The subresources with their own shapes: `scale` (an autoscaling/v1 Scale over
 * `spec.replicas`; its NotFound names `deployments/scale`, a custom resource's the resource; a
 * server-side apply is the Scale field manager's, `scale-apply`) and `serviceaccounts/token` (a
 * TokenRequest minted by the cluster's issuer), each write reviewed by the admission webhooks
 * as its own kind (webhook-admission). Eviction is the `eviction` module's, pod logs and exec
 * the `pod-connect` module's.
 */
import { requireNamespace } from "./namespace-lifecycle.js";
import { decodeObject, type Call, type Reply } from "./call.js";
import { applyPatch } from "./patch-request.js";
import { appliedScale } from "./scale-apply.js";
import type { ManagedFieldsEntry } from "./managed-fields.js";
import { decodePatchedObject, writeOptions } from "./field-validation.js";
import { formatLabelSelector, fromLabelSelector } from "./label-selector.js";
import { clone } from "./registry.js";
import { ApiError, badRequest, conflict, failure, invalid, notFound, STALE_OBJECT } from "./status.js";
import { admittedViewUpdate, mutatedSubresource, validateSubresource } from "./webhook-admission.js";
import { extendedLifetime } from "./auth/tokens.js";
import { resolveBoundObject } from "./token-binding.js";

type Obj = Record<string, any>;

/** How a type's objects map to a Scale: a built-in workload's `spec.replicas`, or a CRD version's paths (crd-scale.ts). */
export interface ScaleMapping {
  /** The spec replicas (undefined: none at the path), status replicas and selector of `obj`. */
  read(obj: Obj): { replicas: number | undefined; statusReplicas: number; selector: string };
  /** `obj` with its spec replicas set. */
  write(obj: Obj, replicas: number): Obj;
  /** The error of a GET, and of a patch that names no replicas, when the object has none (a CRD's). */
  missing?: { get(): ApiError; patch(): ApiError };
  /** Validation of the replicas a Scale write asks for (built-in: the Scale's own). */
  check?(call: Call, replicas: unknown): void;
  /** The object's spec replicas field (default `spec.replicas`), whose managers a Scale's managedFields hold. */
  replicasPath?: string[];
}

/** What the CR scale registry puts in a Scale patched from an object without spec replicas (the smallest int32). */
const NO_REPLICAS = -2147483648;

const WORKLOAD_SCALE: ScaleMapping = {
  read: (obj) => ({ replicas: obj.spec?.replicas ?? 0, statusReplicas: obj.status?.replicas ?? 0, selector: formatLabelSelector(fromLabelSelector(obj.spec?.selector)) }),
  write: (obj, replicas) => ({ ...obj, spec: { ...(obj.spec ?? {}), replicas } }),
};

function scaleOf(obj: Obj, mapping: ScaleMapping, absent?: number): Obj {
  const m = obj.metadata;
  const { replicas = absent, statusReplicas, selector } = mapping.read(obj);
  const spec: Obj = {};
  if (replicas) spec.replicas = replicas;
  const status: Obj = { replicas: statusReplicas };
  if (selector) status.selector = selector;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec,
    status,
  };
}

/** The kind of a scale write's review (the Scale REST storage's, built-in and custom). */
const SCALE_KIND = { group: "autoscaling", version: "v1", kind: "Scale" };

/**
 * GET, PUT and PATCH of `.../scale`; a write is reviewed as the Scale it is (webhook-admission):
 * the mutating webhooks on the Scale asked for against the current one, before its checks; the
 * validating ones on the Scale of the object as it would be stored.
 */
export async function scaleCall(call: Call, mapping: ScaleMapping = WORKLOAD_SCALE): Promise<Reply> {
  const { def, info } = call;
  // A write's options are checked first, before the object is looked up (update.go, patch.go).
  const directive = info.verb === "update" || info.verb === "patch" ? writeOptions(call) : "Warn";
  const current = call.registry.store.get(def, info.namespace, info.name);
  // A built-in ScaleREST answers its own `deployments/scale` NotFound; a custom resource's passes its store's on.
  if (!current) throw notFound(def.crd ? def : { group: def.group, resource: `${def.resource}/scale` }, info.name);
  const found = mapping.read(current.obj).replicas !== undefined;
  if (info.verb === "get" && !found && mapping.missing) throw mapping.missing.get();
  const scale = scaleOf(current.obj, mapping, NO_REPLICAS);
  if (info.verb === "get") return { status: 200, body: JSON.stringify(scale) };
  let wanted: Obj;
  let owners: ManagedFieldsEntry[] | undefined;
  if (info.verb === "update") {
    const text = call.body.toString("utf8");
    try {
      wanted = JSON.parse(text) as Obj;
    } catch {
      throw badRequest(`the object provided is unrecognized (must be of type Scale): couldn't get version/kind (${text})`);
    }
  } else if (info.verb === "patch") {
    // The patch is applied to the Scale and decoded as one (a string replicas: the decoder's 422);
    // an apply is the Scale field manager's, over the parent's managers of the replicas (scale-apply).
    const asScale = { ...call, def: { ...def, kind: "Scale", group: "autoscaling", version: "v1" } };
    if (call.contentType === "application/apply-patch+yaml") {
      ({ wanted, owners } = appliedScale(asScale, def, current.obj, scale, mapping.replicasPath ?? ["spec", "replicas"], directive));
    } else wanted = decodePatchedObject(asScale, applyPatch(asScale, clone(scale)), directive, JSON.parse(call.body.toString("utf8")));
  } else throw new ApiError(failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", { kind: def.resource }));
  // scaleUpdatedObjectInfo: the request's objInfo (with its admission) turns the old Scale into the new one.
  wanted = await mutatedSubresource(call, SCALE_KIND, "UPDATE", wanted, scale);
  const rv = wanted.metadata?.resourceVersion;
  if (rv && rv !== current.obj.metadata.resourceVersion) throw conflict(def, info.name, STALE_OBJECT);
  const replicas = wanted.spec?.replicas ?? 0;
  if (replicas === NO_REPLICAS && mapping.missing) throw mapping.missing.patch();
  if (mapping.check) mapping.check(call, replicas);
  else if (!Number.isInteger(replicas) || replicas < 0) {
    throw invalid("autoscaling", "Scale", info.name, [{ type: "Invalid", field: "spec.replicas", value: replicas, detail: "must be greater than or equal to 0" }]);
  }
  // The new Scale keeps the version the request named (none: unconditional).
  const view = (obj: Obj) => {
    const out = scaleOf(obj, mapping);
    if (rv) out.metadata.resourceVersion = rv;
    else delete out.metadata.resourceVersion;
    return out;
  };
  const stored = await admittedViewUpdate(call, current, mapping.write(clone(current.obj), replicas), SCALE_KIND, view, scale, owners);
  return { status: 200, body: JSON.stringify(scaleOf(stored.obj, mapping)) };
}

const TOKEN_KIND = { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" };

/** A token's lifetime when none is asked for (SetDefaults_TokenRequestSpec). */
const DEFAULT_EXPIRATION_SECONDS = 3600;

/** The TokenRequest as decoding defaults it (SetDefaults_TokenRequestSpec: an unset expirationSeconds is an hour). */
function defaultedTokenRequest(request: Obj): Obj {
  const spec: Obj = request.spec ?? {};
  return { ...request, spec: { ...spec, expirationSeconds: spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS } };
}

/**
 * POST serviceaccounts/{name}/token: a TokenRequest with a freshly minted token. `reviewed`
 * (an API request's): the mutating webhooks see the TokenRequest decoded and defaulted (its
 * expirationSeconds an hour when unset), the validating ones the one TokenREST validates
 * (audiences defaulted, named, its status cleared); not the emulator's own mint for
 * `cluster.serviceAccount()`.
 */
export async function tokenRequest(call: Call, reviewed = true): Promise<Reply> {
  const { info, registry } = call;
  const tokenDef = { ...call.def, ...TOKEN_KIND };
  let request = defaultedTokenRequest(decodeObject({ ...call, def: tokenDef }, tokenDef));
  // The create handler's rest.EnsureObjectNamespaceMatchesRequestNamespace, before any webhook.
  if (request.metadata?.namespace && request.metadata.namespace !== info.namespace) throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  if (reviewed) {
    // NamespaceLifecycle, the first mutating admission plugin: no token requested in a Terminating namespace.
    requireNamespace(registry, call.def, info.namespace, info.name, true);
    request = await mutatedSubresource(call, TOKEN_KIND, "CREATE", request);
  }
  // TokenREST.Create: a name (or namespace) in the body must be the URL's.
  for (const [field, expected, what] of [["name", info.name, "name"], ["namespace", info.namespace, "namespace"]] as const) {
    const given = request.metadata?.[field];
    if (given && given !== expected) throw invalid("authentication.k8s.io", "TokenRequest", info.name, [{ type: "Invalid", field: `metadata.${field}`, value: given, detail: `must match the service account ${what} if specified` }]);
  }
  const sa = registry.store.get(call.def, info.namespace, info.name);
  if (!sa) throw notFound(call.def, info.name);
  const spec: Obj = request.spec ?? {};
  // The dispatcher defaults again an object a mutating webhook changed: one it unset is an hour too.
  const expirationSeconds: number = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  // ValidateTokenRequest's errors name no object (TokenREST: NewInvalid(gvk.GroupKind(), "", errs)).
  if (expirationSeconds < 600) {
    throw invalid("authentication.k8s.io", "TokenRequest", "", [{ type: "Invalid", field: "spec.expirationSeconds", value: expirationSeconds, detail: "may not specify a duration less than 10 minutes" }]);
  }
  if (expirationSeconds > 2 ** 32) {
    throw invalid("authentication.k8s.io", "TokenRequest", "", [{ type: "Invalid", field: "spec.expirationSeconds", value: expirationSeconds, detail: "may not specify a duration larger than 2^32 seconds" }]);
  }
  const audiences: string[] = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences : ["https://kubernetes.default.svc.cluster.local"];
  const ref = spec.boundObjectRef as Obj | undefined;
  const creationTimestamp = registry.timestamp();
  if (reviewed) {
    const metadata = { ...(request.metadata ?? {}), name: request.metadata?.name || info.name, namespace: request.metadata?.namespace || info.namespace, creationTimestamp };
    const validated = { ...request, metadata, spec: { ...spec, audiences, expirationSeconds, boundObjectRef: ref ?? null }, status: { token: "", expirationTimestamp: null } };
    await validateSubresource(call, TOKEN_KIND, "CREATE", validated);
  }
  const boundObject = ref ? resolveBoundObject(registry, info.namespace, info.name, ref) : undefined;
  const extendedSeconds = extendedLifetime(expirationSeconds, boundObject?.kind, audiences);
  const minted = await call.auth.issuer.mint({ namespace: info.namespace, name: info.name, uid: sa.obj.metadata.uid, audiences, expirationSeconds, ...(boundObject ? { boundObject } : {}), ...(extendedSeconds ? { extendedSeconds } : {}) });
  const body = {
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { name: info.name, namespace: info.namespace, creationTimestamp },
    spec: { audiences, expirationSeconds, boundObjectRef: ref ?? null },
    status: { token: minted.token, expirationTimestamp: minted.expirationTimestamp },
  };
  return { status: 201, body: JSON.stringify(body) };
}
