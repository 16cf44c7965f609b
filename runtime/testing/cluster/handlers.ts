/**
 * @module cluster/handlers
 * Routes a resource request to its verb: get, list, watch, create, update, patch (merge,
 * JSON, strategic, server-side apply), delete, deletecollection, and the subresources
 * (`status`, `scale`, `log`, `eviction`, `token`, a CSR's `approval`, and pods' `exec`, `attach`, `portforward`);
 * reviews go to the `reviews` module. A get, list, or get of `status` or `scale`, is printed as
 * a Table when the Accept header asks for one.
 */
import type { ServerResponse } from "node:http";
import { decodeObject, type Call, type Reply } from "./call.js";
import { decodePatchedObject, decodeRequestObject, writeOptions } from "./field-validation.js";
import { deleteCollectionCall, deleteObjectCall } from "./delete.js";
import { getObject, listObjects, validateListOptions } from "./list.js";
import { finalizeNamespace } from "./namespace-strategy.js";
import { waitForListResourceVersion } from "./list-freshness.js";
import { applyPatch, checkPatchType } from "./patch-request.js";
import { serverSideApply } from "./apply.js";
import { crdTerminating } from "./crd-controller.js";
import { clone } from "./registry.js";
import { isReview, type StatusScope, type Subresource } from "./resources.js";
import { serveReview } from "./reviews.js";
import { evictPod } from "./eviction.js";
import { podConnect, podLog } from "./pod-connect.js";
import { scaleCall, tokenRequest, type ScaleMapping } from "./subresources.js";
import { crdScale } from "./crd-scale.js";
import { SCALE_TABLE } from "./scale-printer.js";
import { table, type TableSource } from "./table.js";
import { isReply, negotiateTransform } from "./response-transform.js";
import { partialReply } from "./partial-metadata.js";
import { serveWatch, type WatchOptions } from "./watch.js";
import { existing, type UpdateScope } from "./write.js";
import { admittedCreate, admittedUpdate } from "./webhook-admission.js";
import { ApiError, badRequest, invalid, methodNotAllowed, notFound, routeMethodNotAllowed, statusFor } from "./status.js";

async function patchCall(call: Call, scope: "main" | StatusScope): Promise<Reply> {
  checkPatchType(call);
  const directive = writeOptions(call);
  // A server-side apply, to the main resource or through status (apply.ts).
  if (call.contentType === "application/apply-patch+yaml") return serverSideApply(call, directive, scope);
  const current = existing(call, call.info.namespace, call.info.name);
  const applied = applyPatch(call, clone(current.obj), directive);
  const patched = decodePatchedObject(call, applied, directive, JSON.parse(call.body.toString("utf8")));
  return { status: 200, body: (await admittedUpdate(call, current, patched, scope)).full };
}

async function updateCall(call: Call, scope: UpdateScope): Promise<Reply> {
  const directive = writeOptions(call);
  const obj = decodeRequestObject(call, decodeObject(call, call.def, true), directive);
  const { namespace, name } = call.info;
  // checkName: a PUT's body names its object.
  if (!obj.metadata?.name) throw badRequest(`the name of the object (${name} based on URL) was undeterminable: name must be provided`);
  if (scope === "main" && call.def.createOnUpdate && !call.registry.store.get(call.def, namespace, name)) {
    // The types whose registry allows create on update: a PUT of a missing object creates it.
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    obj.metadata.name = name;
    return { status: 201, body: (await admittedCreate(call, obj, namespace)).full };
  }
  const current = existing(call, namespace, name);
  return { status: 200, body: (await admittedUpdate(call, current, obj, scope)).full };
}

async function createCall(call: Call): Promise<Reply> {
  if (call.info.name) throw routeMethodNotAllowed();
  if (crdTerminating(call.registry, call.def)) {
    // The CRD handler refuses before decoding: NewMethodNotSupported with its own message.
    const refused = methodNotAllowed(call.def);
    refused.status.message = "create not allowed while custom resource definition is terminating";
    throw refused;
  }
  const directive = writeOptions(call);
  const obj = decodeRequestObject(call, decodeObject(call, call.def, true), directive);
  return { status: 201, body: (await admittedCreate(call, obj, call.info.namespace)).full };
}

/**
 * The reply as the Accept header asked for it (`response-transform`): as it is, a Table
 * (`source`: another printer than the resource's), metadata only (`partial-metadata`), or the 406;
 * `transform`: the header's, when the caller negotiated it already.
 */
function transformed(call: Call, reply: Reply, accept: string, source?: TableSource, transform = negotiateTransform(accept)): Reply {
  if (transform === null || isReply(transform)) return transform ?? reply;
  if (transform.kind === "Table") return table(call, reply, transform.version, source);
  return partialReply(call, reply, accept, transform.kind, transform.version);
}

/** A CRD version's scale paths, else a workload's `spec.replicas`. */
function scaleMapping(def: Call["def"]): ScaleMapping | undefined {
  return def.crd?.scale ? crdScale(def.crd.scale) : undefined;
}

function notFoundPath(): ApiError {
  const s = statusFor(404);
  s.details = {};
  return new ApiError(s);
}

/**
 * Serves one resource request. Returns the reply, or `undefined` when it streamed the answer
 * itself (watch).
 */
export async function serveResource(call: Call, res: ServerResponse, accept: string, watch: WatchOptions): Promise<Reply | undefined> {
  const { def, info } = call;
  if (isReview(def)) {
    if (info.verb !== "create" || info.subresource) throw methodNotAllowed(def);
    return serveReview(call);
  }
  if (!def.verbs.includes(info.verb) && !info.subresource) throw methodNotAllowed(def);
  // The CRD handler answers a subresource its version does not enable with the resource's NotFound.
  if (def.crd && info.subresource && !def.subresources.includes(info.subresource as Subresource)) throw notFound(def, info.name);
  switch (info.subresource) {
    case "":
      break;
    case "status":
    case "approval": {
      const scope: StatusScope = info.subresource;
      if (!def.subresources.includes(scope)) throw notFoundPath();
      // The status store converts with the resource's printer.
      if (info.verb === "get") return transformed(call, await getObject(call), accept);
      if (info.verb === "update") return updateCall(call, scope);
      if (info.verb === "patch") {
        checkPatchType(call);
        return patchCall(call, scope);
      }
      throw methodNotAllowed(def);
    }
    case "scale":
      if (!def.subresources.includes("scale")) throw notFoundPath();
      return info.verb === "get" ? transformed(call, await scaleCall(call, scaleMapping(def)), accept, SCALE_TABLE) : scaleCall(call, scaleMapping(def));
    case "log":
      if (!def.subresources.includes("log") || info.verb !== "get") throw notFoundPath();
      return podLog(call);
    case "eviction":
      if (!def.subresources.includes("eviction") || info.verb !== "create") throw notFoundPath();
      return evictPod(call);
    case "exec":
    case "attach":
    case "portforward":
      if (!def.subresources.includes(info.subresource as Subresource)) throw notFoundPath();
      return podConnect(call, call.upgrade === true);
    case "token":
      if (!def.subresources.includes("token") || info.verb !== "create") throw notFoundPath();
      return tokenRequest(call);
    case "finalize":
      if (!def.subresources.includes("finalize")) throw notFoundPath();
      return finalizeNamespace(call);
    default:
      throw notFoundPath();
  }
  switch (info.verb) {
    case "get": {
      // NegotiateOutputMediaType's 406 comes before the object is read.
      const transform = negotiateTransform(accept);
      if (isReply(transform)) return transform;
      return transformed(call, await getObject(call), accept, undefined, transform);
    }
    case "list": {
      const transform = negotiateTransform(accept);
      if (isReply(transform)) return transform;
      validateListOptions(call);
      await waitForListResourceVersion(call);
      return transformed(call, listObjects(call), accept, undefined, transform);
    }
    case "watch": {
      const transform = negotiateTransform(accept);
      if (isReply(transform)) return transform;
      const table = transform?.kind === "Table" ? transform.version : undefined;
      const partial = transform && transform.kind !== "Table" ? transform.version : undefined;
      await serveWatch(call, res, { ...watch, table, partial });
      return undefined;
    }
    case "create":
      return createCall(call);
    case "update":
      if (!info.name) throw routeMethodNotAllowed();
      return updateCall(call, "main");
    case "patch":
      if (!info.name) throw routeMethodNotAllowed();
      return patchCall(call, "main");
    case "delete":
      return deleteObjectCall(call);
    case "deletecollection":
      return deleteCollectionCall(call);
    default:
      throw methodNotAllowed(def);
  }
}
