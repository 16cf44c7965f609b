/**
 * @module cluster/query-int64
 * An int64 query parameter as the parameter codec decodes it (runtime.Convert_Slice_string_To_int64
 * and `_Pointer_int64`: `strconv.ParseInt` of the first value, an empty one included). Every
 * handler answers its error the same way: a 400 BadRequest with the Go error as its message.
 */
import { parseGoInt64 } from "./go-scalars.js";
import { badRequest } from "./status.js";

/** The parameter `name` of `query`: undefined when absent, else its value; throws the 400 of ParseInt's error. */
export function queryInt64(query: URLSearchParams, name: string): bigint | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const value = parseGoInt64(raw);
  if (typeof value === "string") throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: ${value}`);
  return value;
}
