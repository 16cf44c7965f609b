/**
 * @module cluster/protobuf
 * Decoding of the protobuf request bodies kubectl's typed clients send
 * (`application/vnd.kubernetes.protobuf`: the `k8s\0` magic and a `runtime.Unknown` envelope)
 * into the JSON object the handlers take. Only the kinds of `protobuf-schemas` are known
 * (what kubectl's typed clients create), and a DELETE's DeleteOptions under any group version;
 * others are answered 415. Go's generated marshalers
 * write every non-pointer field, zero or not: zero scalars are dropped here (Go cannot tell
 * them from absent ones either), pointer fields (`"int?"`...) keep their zero. Answers are
 * always JSON, which clients accept whatever they asked for. A field named `""` is an embedded
 * Go struct whose fields are the parent's in JSON (a Volume's VolumeSource, a Probe's handler).
 */
import { DELETE_OPTIONS } from "./protobuf-schemas-meta.js";
import { SCHEMAS, type FieldType, type Schema } from "./protobuf-schemas.js";

type Obj = Record<string, unknown>;

/** A body that is not protobuf of a known kind. */
export class ProtobufError extends Error {
  readonly code = "protobuf_unsupported";
}

interface WireField {
  no: number;
  wire: number;
  value: bigint | Buffer;
}

/** Reads the varint at `at.pos`, moving it on. */
function readVarint(buf: Buffer, at: { pos: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (at.pos >= buf.length) throw new ProtobufError("truncated varint");
    const b = buf[at.pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
  }
}

function fields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  const at = { pos: 0 };
  while (at.pos < buf.length) {
    const key = Number(readVarint(buf, at));
    const no = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: readVarint(buf, at) });
    else if (wire === 2) {
      const len = Number(readVarint(buf, at));
      out.push({ no, wire, value: buf.subarray(at.pos, at.pos + len) });
      at.pos += len;
    } else if (wire === 1) at.pos += 8;
    else if (wire === 5) at.pos += 4;
    else throw new ProtobufError(`unsupported wire type ${wire}`);
  }
  return out;
}

/** The varints of a packed repeated field. */
function packedVarints(buf: Buffer): bigint[] {
  const out: bigint[] = [];
  const at = { pos: 0 };
  while (at.pos < buf.length) out.push(readVarint(buf, at));
  return out;
}

const TWO_63 = 1n << 63n;

/** A varint as Go's int32/int64 (two's complement when the top bit is set). */
function signed(v: bigint): number {
  return Number(v >= TWO_63 ? v - (1n << 64n) : v);
}

function scalar(f: WireField, type: Exclude<FieldType, Schema>): unknown {
  switch (type) {
    case "string":
    case "string?":
      return (f.value as Buffer).toString("utf8");
    case "bytes":
      return (f.value as Buffer).toString("base64");
    case "int":
    case "int?":
      return signed(f.value as bigint);
    case "bool":
    case "bool?":
      return (f.value as bigint) !== 0n;
    case "quantity":
      return String(decodeMessage(f.value as Buffer, { 1: ["string", "string"] }).string ?? "");
    case "intOrString": {
      const v = decodeMessage(f.value as Buffer, { 1: ["type", "int"], 2: ["intVal", "int"], 3: ["strVal", "string"] });
      return v.type === 1 ? (v.strVal ?? "") : (v.intVal ?? 0);
    }
    default:
      return undefined;
  }
}

/** Zero values of non-pointer scalars, which Go's marshalers write and JSON would omit. */
function isZero(type: FieldType, value: unknown): boolean {
  return (type === "string" || type === "int" || type === "bool") && (value === "" || value === 0 || value === false);
}

const MAP_VALUES = { stringMap: "string", bytesMap: "bytes", quantityMap: "quantity" } as const;

function decodeMessage(buf: Buffer, schema: Schema): Obj {
  const out: Obj = {};
  for (const f of fields(buf)) {
    const spec = schema[f.no];
    if (!spec) continue;
    const [name, type, repeated] = spec;
    if (type === "stringMap" || type === "bytesMap" || type === "quantityMap") {
      const entry = decodeMessage(f.value as Buffer, { 1: ["key", "string"], 2: ["value", MAP_VALUES[type]] });
      const map = (out[name] ??= {}) as Record<string, unknown>;
      map[String(entry.key ?? "")] = entry.value ?? "";
      continue;
    }
    if (typeof type === "object" && name === "") {
      Object.assign(out, decodeMessage(f.value as Buffer, type));
      continue;
    }
    if (repeated && type === "int" && f.wire === 2) {
      // A packed repeated integer (proto3 style; Go's proto2 marshalers write them one by one).
      const list = (out[name] ??= []) as unknown[];
      for (const v of packedVarints(f.value as Buffer)) list.push(signed(v));
      continue;
    }
    const value = typeof type === "object" ? decodeMessage(f.value as Buffer, type) : scalar(f, type);
    if (repeated) ((out[name] ??= []) as unknown[]).push(value);
    else if (!isZero(type, value)) out[name] = value;
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
  const schema = SCHEMAS[`${typeMeta.apiVersion}/${typeMeta.kind}`] ?? (typeMeta.kind === "DeleteOptions" ? DELETE_OPTIONS : undefined);
  if (!schema) throw new ProtobufError(`no protobuf decoding for ${typeMeta.apiVersion}/${typeMeta.kind}`);
  const raw = Buffer.from(String(envelope.raw ?? ""), "base64");
  return { kind: typeMeta.kind, apiVersion: typeMeta.apiVersion, ...decodeMessage(raw, schema) };
}
