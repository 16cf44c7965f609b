/**
 * @module cluster/protobuf
 * Decoding of the protobuf request bodies kubectl's typed clients send
 * (`application/vnd.kubernetes.protobuf`: the `k8s\0` magic and a `runtime.Unknown` envelope)
 * into the JSON object the handlers take. Only the kinds kubectl creates that way are known:
 * the review objects, TokenRequest, RBAC roles and bindings, Namespace, ServiceAccount,
 * ConfigMap and Secret; others are answered 415. Answers are always JSON, which clients
 * accept whatever they asked for.
 */
type Obj = Record<string, unknown>;

/** A field: its JSON name and type (a nested message schema, or a scalar kind). */
type FieldType = "string" | "int" | "bool" | "bytes" | "stringMap" | "bytesMap" | Schema;
type Field = [name: string, type: FieldType, repeated?: "repeated"];
interface Schema {
  [field: number]: Field;
}

const OBJECT_META: Schema = {
  1: ["name", "string"],
  2: ["generateName", "string"],
  3: ["namespace", "string"],
  5: ["uid", "string"],
  6: ["resourceVersion", "string"],
  11: ["labels", "stringMap"],
  12: ["annotations", "stringMap"],
  14: ["finalizers", "string", "repeated"],
};
const POLICY_RULE: Schema = {
  1: ["verbs", "string", "repeated"],
  2: ["apiGroups", "string", "repeated"],
  3: ["resources", "string", "repeated"],
  4: ["resourceNames", "string", "repeated"],
  5: ["nonResourceURLs", "string", "repeated"],
};
const BINDING: Schema = {
  1: ["metadata", OBJECT_META],
  2: ["subjects", { 1: ["kind", "string"], 2: ["apiGroup", "string"], 3: ["name", "string"], 4: ["namespace", "string"] }, "repeated"],
  3: ["roleRef", { 1: ["apiGroup", "string"], 2: ["kind", "string"], 3: ["name", "string"] }],
};
const ROLE: Schema = { 1: ["metadata", OBJECT_META], 2: ["rules", POLICY_RULE, "repeated"] };
const RESOURCE_ATTRIBUTES: Schema = {
  1: ["namespace", "string"], 2: ["verb", "string"], 3: ["group", "string"], 4: ["version", "string"],
  5: ["resource", "string"], 6: ["subresource", "string"], 7: ["name", "string"],
};

/** Known kinds by `apiVersion/kind`. */
const SCHEMAS: Record<string, Schema> = {
  "authentication.k8s.io/v1/SelfSubjectReview": { 1: ["metadata", OBJECT_META] },
  "authentication.k8s.io/v1/TokenReview": { 1: ["metadata", OBJECT_META], 2: ["spec", { 1: ["token", "string"], 2: ["audiences", "string", "repeated"] }] },
  "authentication.k8s.io/v1/TokenRequest": {
    1: ["metadata", OBJECT_META],
    2: ["spec", { 1: ["audiences", "string", "repeated"], 3: ["boundObjectRef", { 1: ["kind", "string"], 2: ["apiVersion", "string"], 3: ["name", "string"], 4: ["uid", "string"] }], 4: ["expirationSeconds", "int"] }],
  },
  "authorization.k8s.io/v1/SelfSubjectAccessReview": {
    1: ["metadata", OBJECT_META],
    2: ["spec", { 1: ["resourceAttributes", RESOURCE_ATTRIBUTES], 2: ["nonResourceAttributes", { 1: ["path", "string"], 2: ["verb", "string"] }] }],
  },
  "authorization.k8s.io/v1/SelfSubjectRulesReview": { 1: ["metadata", OBJECT_META], 2: ["spec", { 1: ["namespace", "string"] }] },
  "rbac.authorization.k8s.io/v1/RoleBinding": BINDING,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": BINDING,
  "rbac.authorization.k8s.io/v1/Role": ROLE,
  "rbac.authorization.k8s.io/v1/ClusterRole": ROLE,
  "v1/Namespace": { 1: ["metadata", OBJECT_META], 2: ["spec", { 1: ["finalizers", "string", "repeated"] }] },
  "v1/ServiceAccount": { 1: ["metadata", OBJECT_META], 4: ["automountServiceAccountToken", "bool"] },
  "v1/ConfigMap": { 1: ["metadata", OBJECT_META], 2: ["data", "stringMap"], 3: ["binaryData", "bytesMap"], 4: ["immutable", "bool"] },
  "v1/Secret": { 1: ["metadata", OBJECT_META], 2: ["data", "bytesMap"], 3: ["type", "string"], 4: ["stringData", "stringMap"], 5: ["immutable", "bool"] },
};

/** A body that is not protobuf of a known kind. */
export class ProtobufError extends Error {
  readonly code = "protobuf_unsupported";
}

interface WireField {
  no: number;
  wire: number;
  value: bigint | Buffer;
}

function fields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new ProtobufError("truncated varint");
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const no = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      out.push({ no, wire, value: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new ProtobufError(`unsupported wire type ${wire}`);
  }
  return out;
}

function decodeMessage(buf: Buffer, schema: Schema): Obj {
  const out: Obj = {};
  for (const f of fields(buf)) {
    const spec = schema[f.no];
    if (!spec) continue;
    const [name, type, repeated] = spec;
    let value: unknown;
    if (type === "string") value = (f.value as Buffer).toString("utf8");
    else if (type === "bytes") value = (f.value as Buffer).toString("base64");
    else if (type === "int") value = Number(f.value as bigint);
    else if (type === "bool") value = (f.value as bigint) !== 0n;
    else if (type === "stringMap" || type === "bytesMap") {
      const entry = decodeMessage(f.value as Buffer, { 1: ["key", "string"], 2: ["value", type === "stringMap" ? "string" : "bytes"] });
      const map = (out[name] ??= {}) as Record<string, unknown>;
      map[String(entry.key ?? "")] = entry.value ?? "";
      continue;
    } else value = decodeMessage(f.value as Buffer, type);
    if (repeated) ((out[name] ??= []) as unknown[]).push(value);
    else out[name] = value;
  }
  return out;
}

/**
 * Decodes a Kubernetes protobuf body into its JSON form (kind and apiVersion included).
 * Throws `ProtobufError` for an unknown kind or a malformed body.
 */
export function decodeProtobuf(body: Buffer): Obj {
  if (body.length < 4 || body.subarray(0, 4).toString("latin1") !== "k8s\u0000") throw new ProtobufError("missing k8s protobuf magic");
  const envelope = decodeMessage(body.subarray(4), { 1: ["typeMeta", { 1: ["apiVersion", "string"], 2: ["kind", "string"] }], 2: ["raw", "bytes"] });
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const schema = SCHEMAS[`${typeMeta.apiVersion}/${typeMeta.kind}`];
  if (!schema) throw new ProtobufError(`no protobuf decoding for ${typeMeta.apiVersion}/${typeMeta.kind}`);
  const raw = Buffer.from(String(envelope.raw ?? ""), "base64");
  return { kind: typeMeta.kind, apiVersion: typeMeta.apiVersion, ...decodeMessage(raw, schema) };
}
