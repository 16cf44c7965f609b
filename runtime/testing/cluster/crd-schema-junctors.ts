/**
 * @module cluster/crd-schema-junctors
 * A custom resource value against its schema's allOf, anyOf, oneOf and not, as kube-openapi's
 * schemaPropsValidator (pkg/validation/validate/schema_props.go) checks them, on the results
 * `crd-schema-validate` builds (problems in order, and the MatchCount — checks passed — that
 * picks which failed branch of an anyOf or oneOf has its errors reported). The junctors' own
 * errors (schema_messages.go) are errors.New, not Validations: apiextensions reports them at
 * the validator's nil field path, `<nil>: Invalid value: "": "spec.x" must validate ...`.
 */
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1.js";
import { node, type CrdSchema } from "./crd-schema-node.js";
import { goQuote } from "./crd-schema-go.js";
import type { Problem, Result } from "./crd-schema-validate.js";

/** A junctor's error (errors.New with CompositeErrorCode): `"spec.x" must ...`. */
const composite = (path: string, message: string): Problem => ({ code: "composite", name: "", message: `${goQuote(path)} ${message}` });

/**
 * schemaPropsValidator: anyOf (the first valid branch, else the failure with the highest count
 * after the error), oneOf (exactly one valid; when none, the best failure after the error),
 * allOf (every branch's result, then the error), not (an error when its schema validates).
 */
export function junctorResult(s: CrdSchema, data: unknown, path: string, validate: (s: CrdSchema, data: unknown, path: string) => Result): Result {
  const out: Result = { problems: [], count: 1 };
  const merge = (r: Result | undefined) => {
    if (!r) return;
    out.problems.push(...r.problems);
    out.count += r.count;
  };
  const branches = (list: JSONSchemaProps[] | undefined) => (list ?? []).map((b) => validate(node(b)!, data, path));
  const anyOf = s.anyOf?.length ? branches(s.anyOf) : [];
  if (anyOf.length) {
    let best: Result | undefined;
    const success = anyOf.find((r) => r.problems.length === 0);
    // Branches after the first valid one are not tried: their counts do not matter.
    for (const r of anyOf) {
      if (r === success) break;
      if (!best || r.count > best.count) best = r;
    }
    if (!success) out.problems.push(composite(path, "must validate at least one schema (anyOf)"));
    merge(success ?? best);
  }
  const oneOf = s.oneOf?.length ? branches(s.oneOf) : [];
  if (oneOf.length) {
    const valid = oneOf.filter((r) => r.problems.length === 0);
    if (valid.length === 1) merge(valid[0]);
    else {
      out.problems.push(composite(path, `must validate one and only one schema (oneOf). ${valid.length ? `Found ${valid.length} valid alternatives` : "Found none valid"}`));
      if (!valid.length) merge(oneOf.reduce((best, r) => (r.count > best.count ? r : best)));
    }
  }
  const allOf = s.allOf?.length ? branches(s.allOf) : [];
  if (allOf.length) {
    for (const r of allOf) merge(r);
    const validated = allOf.filter((r) => r.problems.length === 0).length;
    if (validated !== allOf.length) out.problems.push(composite(path, `must validate all the schemas (allOf)${validated === 0 ? ". None validated" : ""}`));
  }
  if (s.not && validate(node(s.not)!, data, path).problems.length === 0) out.problems.push(composite(path, "must not validate the schema (not)"));
  return out;
}
