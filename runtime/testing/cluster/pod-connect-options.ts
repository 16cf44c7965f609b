/**
 * @module cluster/pod-connect-options
 * The options of a pod's CONNECT as ConnectResource's getRequestOptions decodes them from the
 * query (the parameter codec's generated `url.Values` conversions into v1 PodExecOptions,
 * PodAttachOptions or PodPortForwardOptions): `container` the first value; `stdin`, `stdout`,
 * `stderr` and `tty` Convert_Slice_string_To_bool's (request-info `parseBool`); an exec's
 * `command` every value; portforward's `ports` Convert_Slice_string_To_Slice_int32's, each
 * value split at commas and each piece `strconv.ParseUint(v, 10, 16)`. A port that does not
 * parse fails the decoding, which ConnectResource answers as a 400 BadRequest with the error's
 * text, before admission. The object is as the options encode: false and "" omitted, an exec's
 * command always there (null for none).
 */
import type { Call } from "./call.js";
import { goQuote } from "./crd-schema-go.js";
import { parseGoUint } from "./go-scalars.js";
import { parseBool } from "./request-info.js";
import { badRequest } from "./status.js";

type Obj = Record<string, any>;

/** Convert_Slice_string_To_Slice_int32, or the 400 its error becomes. */
function ports(values: string[]): number[] {
  return values.flatMap((value) =>
    value.split(",").map((v) => {
      const port = parseGoUint(v, 16);
      if (typeof port === "string") throw badRequest(`cannot convert to []int32: strconv.ParseUint: parsing ${goQuote(v)}: ${port}`);
      return Number(port);
    }),
  );
}

/** The kind and v1 object of the CONNECT options `call`'s query decodes to (`subresource`: exec, attach or portforward). */
export function connectOptions(call: Call): { kind: string; object: Obj } {
  const q = call.query;
  const head = (kind: string) => ({ kind, apiVersion: "v1" });
  if (call.info.subresource === "portforward") {
    const decoded = ports(q.getAll("ports"));
    return { kind: "PodPortForwardOptions", object: { ...head("PodPortForwardOptions"), ...(decoded.length ? { ports: decoded } : {}) } };
  }
  const flags: Obj = {};
  for (const name of ["stdin", "stdout", "stderr", "tty"]) if (parseBool(q.get(name))) flags[name] = true;
  const container = q.get("container") ? { container: q.get("container") } : {};
  if (call.info.subresource === "attach") return { kind: "PodAttachOptions", object: { ...head("PodAttachOptions"), ...flags, ...container } };
  const command = q.getAll("command");
  return { kind: "PodExecOptions", object: { ...head("PodExecOptions"), ...flags, ...container, command: command.length ? command : null } };
}
