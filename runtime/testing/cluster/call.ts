/**
 * @module cluster/call
 * One API request as the handlers see it (`Call`) and what they answer (`Reply`), with the
 * helpers every verb shares: decoding a request body into an object of the right kind (with
 * the real 400 messages), reading `dryRun` and `fieldManager`, and JSON replies.
 */
import type { Authenticator, Authorizer, RequestAttributes, TokenIssuer, UserInfo } from "./auth/index.js";
import type { Registry } from "./registry.js";
import type { RequestInfo } from "./request-info.js";
import { apiVersionOf, type ResourceDef } from "./resources.js";
import { badRequest, goStrings, invalid } from "./status.js";
import { managerFromUserAgent } from "./managed-fields.js";
import { modelOf } from "./field-decoding.js";
import { goJsonSyntaxError } from "./go-json-syntax.js";

type Obj = Record<string, any>;

/** The server's authentication parts, for the endpoints that mint or check tokens and review access. */
export interface ServerAuth {
  issuer: TokenIssuer;
  authenticator: Authenticator;
  authorizer: Authorizer;
}

/** A resource request, authenticated and authorized. */
export interface Call {
  auth: ServerAuth;
  registry: Registry;
  def: ResourceDef;
  info: RequestInfo;
  query: URLSearchParams;
  user: UserInfo;
  body: Buffer;
  /** The Content-Type without parameters, lowercased. */
  contentType: string;
  userAgent: string | undefined;
  /** The request asks for a protocol upgrade (`Connection: Upgrade`), as exec clients do. */
  upgrade?: boolean;
  /** Warnings recorded while serving (see `warnings`), sent as `Warning` headers. */
  warnings?: string[];
  /** Records an authorization decision made while serving (a create through PATCH or PUT) for `cluster.access()`. */
  recordAccess?: (attrs: RequestAttributes, allowed: boolean) => void;
}

/** A complete (non-streaming) answer. */
export interface Reply {
  status: number;
  /** JSON text (or plain text with `contentType`), or its UTF-8 bytes. */
  body: string | Buffer;
  /** Default: application/json; "" for none. */
  contentType?: string;
  headers?: Record<string, string | string[]>;
}

/** A JSON reply. */
export function json(status: number, value: unknown): Reply {
  return { status, body: typeof value === "string" ? value : JSON.stringify(value) };
}

/** `?dryRun=All`; any other value is rejected as the real server does. */
export function isDryRun(call: Call): boolean {
  const values = call.query.getAll("dryRun");
  if (values.length === 0) return false;
  if (values.some((v) => v !== "All")) {
    // ValidateDryRun, in the verb's options: 422 with the whole list printed as Go's %#v.
    const kind = { create: "CreateOptions", update: "UpdateOptions", patch: "PatchOptions" }[call.info.verb] ?? "DeleteOptions";
    throw invalid("meta.k8s.io", kind, "", [{ type: "NotSupported", field: "dryRun", rendered: goStrings(values), supported: ["All"] }]);
  }
  return true;
}

/** The manager a write is recorded under: `?fieldManager=`, else derived from the User-Agent. */
export function fieldManager(call: Call): string {
  return call.query.get("fieldManager") || managerFromUserAgent(call.userAgent);
}

/**
 * Go's `encoding/json` wording for a parse error of `text` (`JSON.parse` refused it): its
 * scanner's own error (go-json-syntax.ts), else, for a text Go's scanner would take, one made
 * from the position `JSON.parse` names.
 */
export function goJsonError(text: string, error: unknown): string {
  const syntax = goJsonSyntaxError(Buffer.from(text, "utf8"));
  if (syntax !== undefined) return syntax;
  const message = (error as Error).message;
  if (/Unexpected end of JSON input|Unterminated|end of data/i.test(message) || text.trim() === "") return "unexpected end of JSON input";
  const m = /position (\d+)/.exec(message);
  const at = m ? Number(m[1]) : 0;
  if (at >= text.trimEnd().length) return "unexpected end of JSON input";
  const ch = text[at] ?? "";
  return `invalid character '${ch}' looking for beginning of value`;
}

/** The internal package name the server's conversion errors use (`core`, `apps`, `rbac`...). */
export function internalGroup(group: string): string {
  return group === "" ? "core" : group.split(".")[0]!;
}

/**
 * Decodes the body as an object of `call.def`'s kind: 400 for malformed JSON, a foreign kind or
 * apiVersion, as the real decoder answers. Missing kind and apiVersion are filled in. With
 * `typed`, a built-in kind's `metadata` is left for the typed decoding that follows to judge.
 */
export function decodeObject(call: Call, def: ResourceDef = call.def, typed = false): Obj {
  const text = call.body.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): couldn't get version/kind; json parse error: ${goJsonError(text, error)} (${text})`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(value) ? "array" : typeof value} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (${text})`);
  }
  const obj = value as Obj;
  const apiVersion = apiVersionOf(def);
  // A custom resource is decoded as unstructured (no conversion): its validator's ValidateTypeMeta answers a wrong kind.
  if (obj.kind !== undefined && obj.kind !== "" && obj.kind !== def.kind && def.crd) {
    throw invalid(def.group, def.kind, typeof obj.metadata?.name === "string" ? obj.metadata.name : "", [{ type: "Invalid", field: "kind", value: obj.kind, detail: `must be ${def.kind}` }]);
  }
  if (obj.kind !== undefined && obj.kind !== "" && obj.kind !== def.kind) {
    const version = typeof obj.apiVersion === "string" && obj.apiVersion ? obj.apiVersion : apiVersion;
    throw badRequest(`${obj.kind} in version "${version}" cannot be handled as a ${def.kind}: converting (${version.split("/").pop()}.${obj.kind}) to (${internalGroup(def.group)}.${def.kind}): unknown conversion`);
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== "" && obj.apiVersion !== apiVersion) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion})`);
  }
  const { kind: _k, apiVersion: _a, ...rest } = obj;
  const out: Obj = { kind: def.kind, apiVersion, ...rest };
  if (out.metadata === undefined || out.metadata === null) out.metadata = {};
  // A built-in kind's typed decoding (`typed`: it follows) words this as the JSON decoder does.
  if ((typeof out.metadata !== "object" || Array.isArray(out.metadata)) && !(typed && modelOf(apiVersion, def.kind) && !def.custom)) {
    throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): metadata must be an object`);
  }
  return out;
}
