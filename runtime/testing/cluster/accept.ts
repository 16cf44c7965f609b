/**
 * @module cluster/accept
 * The Accept header as 1.32's `NegotiateMediaTypeOptions` reads it: goautoneg's `ParseAccept`
 * (clauses sorted by quality, concrete types before wildcards), then each clause matched against
 * the serializers an endpoint has, in order; the first clause whose conversion (`as`, `g`, `v`)
 * the endpoint allows wins. A clause with no conversion asks for the object as it is.
 */

/** One Accept clause as goautoneg parses it. */
export interface Clause {
  type: string;
  subType: string;
  q: number;
  params: Record<string, string>;
}

/** The conversion a clause asks for (`as`, `g`, `v`), as `acceptMediaTypeOptions` collects it. */
export interface Conversion {
  kind: string;
  group: string;
  version: string;
}

/** goautoneg's `ParseAccept`: clauses sorted by quality, then concrete types before wildcards. */
export function parseAccept(header: string): Clause[] {
  const clauses: Clause[] = [];
  for (const part of header.split(",")) {
    const [range = "", ...params] = part.replace(/^ +| +$/g, "").split(";");
    const sp = range.split("/");
    const type = sp[0]!.replace(/^ +| +$/g, "");
    let subType: string;
    if (sp.length === 1 && type === "*") subType = "*";
    else if (sp.length === 2) subType = sp[1]!.replace(/^ +| +$/g, "");
    else continue;
    const clause: Clause = { type, subType, q: 1, params: {} };
    for (const param of params) {
      const eq = param.indexOf("=");
      if (eq < 0) continue;
      const token = param.slice(0, eq).replace(/^ +| +$/g, "");
      const value = param.slice(eq + 1);
      // strconv.ParseFloat's syntax; a value it refuses counts as 0.
      if (token === "q") clause.q = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : 0;
      else clause.params[token] = value.replace(/^ +| +$/g, "");
    }
    clauses.push(clause);
  }
  // sort.Sort of a short slice is an insertion sort with goautoneg's Less.
  const less = (a: Clause, b: Clause) => a.q > b.q || (a.type !== "*" && b.type === "*") || (a.subType !== "*" && b.subType === "*");
  for (let i = 1; i < clauses.length; i++) {
    for (let j = i; j > 0 && less(clauses[j]!, clauses[j - 1]!); j--) [clauses[j], clauses[j - 1]] = [clauses[j - 1]!, clauses[j]!];
  }
  return clauses;
}

/** The serializers a built-in or custom resource (and discovery) answers in, in the order negotiation tries them. */
export const SERIALIZERS: ReadonlyArray<readonly [string, string]> = [["application", "json"], ["application", "yaml"], ["application", "vnd.kubernetes.protobuf"]];

/**
 * The first clause, tried against each serializer in turn, that `allows`: `null` when that clause
 * asks for no conversion (the object as it is), `undefined` when no clause is acceptable (the
 * real server: 406, or a default). `allows` sees the conversion and the serializer's subtype.
 */
export function negotiate<T>(accept: string, allows: (conversion: Conversion, subType: string) => T | undefined): T | null | undefined {
  if (accept === "") return null;
  for (const clause of parseAccept(accept)) {
    for (const [type, subType] of SERIALIZERS) {
      const matches = (clause.type === type && (clause.subType === subType || clause.subType === "*")) || (clause.type === "*" && clause.subType === "*");
      if (!matches) continue;
      const { as, g, v } = clause.params;
      if (as === undefined && g === undefined && v === undefined) return null;
      const allowed = allows({ kind: as ?? "", group: g ?? "", version: v ?? "" }, subType);
      if (allowed !== undefined) return allowed;
    }
  }
  return undefined;
}
