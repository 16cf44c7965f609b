/**
 * @module cluster/list-name
 * The object a list or watch names through its field selector, as requestinfo.go finds it: the
 * query is decoded as list options (metainternalversion.ListOptions through the parameter
 * codec), and only when all of it decodes (`limit` and `timeoutSeconds` integers, both
 * selectors parsing) does `RequiresExactMatch("metadata.name")` on fields.ParseSelector's
 * result (terms sorted, nothing trimmed, values unescaped) give the name, if it is a valid path
 * segment name.
 */
import { parseFieldTerms, type FieldTerm } from "./field-selector.js";
import { parseLabelSelector } from "./label-selector.js";

/** Convert_Slice_string_To_int64 as the list handler decodes it (list.ts): absent or empty is none. */
function decodesAsInt64(value: string | null): boolean {
  return value === null || value === "" || /^[+-]?[0-9]+$/.test(value);
}

/** The decoded field selector, or undefined when some list option does not decode. */
function decodedFieldSelector(query: URLSearchParams): FieldTerm[] | undefined {
  if (!decodesAsInt64(query.get("timeoutSeconds")) || !decodesAsInt64(query.get("limit"))) return undefined;
  try {
    const labels = query.get("labelSelector");
    if (labels) parseLabelSelector(labels);
    return parseFieldTerms(query.get("fieldSelector") ?? "");
  } catch {
    return undefined;
  }
}

/** path.IsValidPathSegmentName: not `.` or `..`, no `/` or `%`. */
function validPathSegmentName(name: string): boolean {
  return name !== "." && name !== ".." && !name.includes("/") && !name.includes("%");
}

/**
 * The name a list or watch's `fieldSelector` requires, or undefined.
 *
 * @example
 * nameFromListQuery(new URLSearchParams("fieldSelector=metadata.name%3Dfoo")); // "foo"
 * nameFromListQuery(new URLSearchParams("fieldSelector=metadata.name%3Dfoo&limit=abc")); // undefined
 */
export function nameFromListQuery(query: URLSearchParams): string | undefined {
  const terms = decodedFieldSelector(query);
  // andTerm.RequiresExactMatch: the first `=`/`==` term on the field, in sorted order.
  const exact = terms?.find((t) => t.field === "metadata.name" && t.op === "=");
  return exact && validPathSegmentName(exact.value) ? exact.value : undefined;
}
