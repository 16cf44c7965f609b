/**
 * @module cluster/label-selector
 * Label selectors as k8s.io/apimachinery/pkg/labels parses them: `=`, `==`, `!=`, `in`, `notin`,
 * `exists` (`key`), `!key`, `gt`/`lt` (`>`, `<`), with the same lexer, grammar and error
 * messages (`found '=', expected: ',' or 'end of string'`).
 */

type Op = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | ">" | "<";

/** One parsed requirement. */
export interface Requirement {
  key: string;
  op: Op;
  values: string[];
}

/** A parsed selector: every requirement must hold. Empty matches everything. */
export type LabelSelector = Requirement[];

/** A selector string the real parser rejects; `message` is the parser's. */
export class SelectorError extends Error {
  readonly code = "selector_invalid";
}

type Tok = "id" | ")" | "," | "!" | "==" | "=" | ">" | "<" | "in" | "!=" | "notin" | "(" | "eos";
interface Item {
  tok: Tok;
  lit: string;
}

const SPECIAL = new Set(["=", "!", "(", ")", ",", ">", "<"]);

function lex(input: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (SPECIAL.has(ch)) {
      let lit = ch;
      const next = input[i + 1];
      if ((ch === "=" || ch === "!") && next === "=") lit += "=";
      i += lit.length;
      const tok = ({ "=": "=", "==": "==", "!": "!", "!=": "!=", "(": "(", ")": ")", ",": ",", ">": ">", "<": "<" } as const)[lit]!;
      items.push({ tok, lit });
      continue;
    }
    let j = i;
    while (j < input.length && !SPECIAL.has(input[j]!) && !/\s/.test(input[j]!)) j++;
    const lit = input.slice(i, j);
    i = j;
    items.push({ tok: lit === "in" ? "in" : lit === "notin" ? "notin" : "id", lit });
  }
  items.push({ tok: "eos", lit: "" });
  return items;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Problems with a label key (`prefix/name`), as `validation.IsQualifiedName`; empty when valid. */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split("/");
  let name = key;
  const errs: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    if (prefix.length > 253) errs.push("prefix part must be no more than 253 characters");
    if (prefix.length > 0 && !DNS_SUBDOMAIN.test(prefix)) errs.push("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  } else if (parts.length > 2) {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push("name part must be no more than 63 characters");
  // As validation.IsQualifiedName: the pattern is checked whatever the length (an empty name gets both).
  if (!QUALIFIED_NAME.test(name)) errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
  return errs;
}

/** Problems with a label value, as `validation.IsValidLabelValue`; empty when valid. */
export function labelValueErrors(value: string): string[] {
  if (value === "") return [];
  if (value.length > 63) return ["must be no more than 63 characters"];
  if (!QUALIFIED_NAME.test(value)) return ["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"];
  return [];
}

/**
 * Parses a label selector; throws `SelectorError` with the real parser's message.
 *
 * @example
 * matchLabels(parseLabelSelector("app in (web,api),!canary"), { app: "web" }); // true
 */
export function parseLabelSelector(input: string): LabelSelector {
  const items = lex(input);
  let pos = 0;
  const peek = (): Item => {
    const it = items[pos]!;
    return it.tok === "in" || it.tok === "notin" ? { tok: "id", lit: it.lit } : it;
  };
  const next = (values: boolean): Item => {
    const it = items[pos++]!;
    return values && (it.tok === "in" || it.tok === "notin") ? { tok: "id", lit: it.lit } : it;
  };
  const fail = (message: string): never => {
    throw new SelectorError(message);
  };
  const out: LabelSelector = [];
  for (;;) {
    const t = peek();
    if (t.tok === "eos") return out;
    if (t.tok !== "id" && t.tok !== "!") fail(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
    out.push(requirement());
    const after = next(true);
    if (after.tok === "eos") return out;
    if (after.tok !== ",") fail(`found '${after.lit}', expected: ',' or 'end of string'`);
    const t2 = peek();
    if (t2.tok !== "id" && t2.tok !== "!") fail(`found '${t2.lit}', expected: identifier after ','`);
  }

  function requirement(): Requirement {
    let op: Op | undefined;
    let key = next(true);
    if (key.tok === "!") {
      op = "!";
      key = next(true);
    }
    if (key.tok !== "id") fail(`found '${key.lit}', expected: identifier`);
    const keyErrs = labelKeyErrors(key.lit);
    if (keyErrs.length) fail(`key: Invalid value: ${JSON.stringify(key.lit)}: ${keyErrs.join("; ")}`);
    const la = peek().tok;
    if (la === "eos" || la === ",") return { key: key.lit, op: op ?? "exists", values: [] };
    if (op === "!") fail(`found '${items[pos]!.lit}', expected: ',' or 'end of string'`);
    const o = items[pos++]!;
    if (!["in", "notin", "=", "==", "!=", ">", "<"].includes(o.tok)) {
      fail(`found '${o.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    const values = o.tok === "in" || o.tok === "notin" ? setValues() : [exactValue()];
    for (const v of values) {
      const errs = labelValueErrors(v);
      if (errs.length) fail(`values[0][${key.lit}]: Invalid value: ${JSON.stringify(v)}: ${errs.join("; ")}`);
    }
    if ((o.tok === ">" || o.tok === "<") && !/^-?\d+$/.test(values[0] ?? "")) {
      fail(`values[0]: Invalid value: ${JSON.stringify(values[0])}: for 'Gt', 'Lt' operators, the value must be an integer`);
    }
    return { key: key.lit, op: o.tok as Op, values };
  }

  function exactValue(): string {
    const la = peek().tok;
    if (la === "eos" || la === ",") return "";
    const v = next(true);
    if (v.tok !== "id") fail(`found '${v.lit}', expected: identifier`);
    return v.lit;
  }

  function setValues(): string[] {
    const open = next(true);
    if (open.tok !== "(") fail(`found '${open.lit}', expected: '('`);
    const la = peek();
    if (la.tok === ")") {
      next(true);
      return [""];
    }
    if (la.tok !== "id" && la.tok !== ",") fail(`found '${la.lit}', expected: ',', ')' or identifier`);
    const values: string[] = [];
    for (;;) {
      const t = next(true);
      if (t.tok === "id") {
        values.push(t.lit);
        const t2 = peek();
        if (t2.tok === ",") continue;
        if (t2.tok === ")") break;
        fail(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (t.tok === ",") {
        if (values.length === 0) values.push("");
        const t2 = peek();
        if (t2.tok === ")") {
          values.push("");
          break;
        }
        if (t2.tok === ",") {
          next(true);
          values.push("");
        }
      } else {
        fail(`found '${t.lit}', expected: ',' or identifier`);
      }
    }
    const close = next(true);
    if (close.tok !== ")") fail(`found '${close.lit}', expected: ')'`);
    return values;
  }
}

/** Whether `labels` satisfy every requirement. */
export function matchLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const r of selector) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = has ? labels![r.key]! : undefined;
    switch (r.op) {
      case "=":
      case "==":
      case "in":
        if (!has || !r.values.includes(value!)) return false;
        break;
      case "!=":
      case "notin":
        if (has && r.values.includes(value!)) return false;
        break;
      case "exists":
        if (!has) return false;
        break;
      case "!":
        if (has) return false;
        break;
      case ">":
      case "<": {
        if (!has || !/^-?\d+$/.test(value!)) return false;
        const n = Number(value);
        const bound = Number(r.values[0]);
        if (r.op === ">" ? !(n > bound) : !(n < bound)) return false;
        break;
      }
    }
  }
  return true;
}

/** A `metav1.LabelSelector` (matchLabels, matchExpressions) as a parsed selector. */
export function fromLabelSelector(s: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined): LabelSelector {
  const out: LabelSelector = [];
  for (const [key, value] of Object.entries(s?.matchLabels ?? {})) out.push({ key, op: "=", values: [value] });
  for (const e of s?.matchExpressions ?? []) {
    const op = ({ In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" } as const)[e.operator as "In"];
    if (op) out.push({ key: e.key, op, values: e.values ?? [] });
  }
  return out;
}

/** The selector as text (`app=web,tier in (a,b)`), as `labels.Selector.String()` prints it. */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector
    .map((r) => {
      if (r.op === "exists") return r.key;
      if (r.op === "!") return `!${r.key}`;
      if (r.op === "in" || r.op === "notin") return `${r.key} ${r.op} (${[...r.values].sort().join(",")})`;
      return `${r.key}${r.op === "==" ? "=" : r.op}${r.values[0] ?? ""}`;
    })
    .join(",");
}
