/**
 * @module cluster/label-selector
 * Label selectors as k8s.io/apimachinery/pkg/labels parses them: `=`, `==`, `!=`, `in`, `notin`,
 * `exists` (`key`), `!key`, `gt`/`lt` (`>`, `<`), with the same lexer, grammar and error
 * messages (`found '=', expected: ',' or 'end of string'`).
 */

import { parseGoInt64 } from "./go-scalars.js";
import { labelKeyErrors, labelValueErrors } from "./label-rules.js";

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

/** The lexer's isWhitespace: space, tab, CR and LF only. */
const isWhitespace = (ch: string): boolean => ch === " " || ch === "\t" || ch === "\r" || ch === "\n";

function lex(text: string): Item[] {
  // The lexer reads a NUL byte as the end of the string.
  const nul = text.indexOf("\0");
  const input = nul >= 0 ? text.slice(0, nul) : text;
  const items: Item[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (isWhitespace(ch)) {
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
    while (j < input.length && !SPECIAL.has(input[j]!) && !isWhitespace(input[j]!)) j++;
    const lit = input.slice(i, j);
    i = j;
    items.push({ tok: lit === "in" ? "in" : lit === "notin" ? "notin" : "id", lit });
  }
  items.push({ tok: "eos", lit: "" });
  return items;
}

/** `strconv.ParseInt(v, 10, 64)` succeeds: an optional sign, decimal digits, within int64. */
function isInt64(v: string): boolean {
  return typeof parseGoInt64(v) === "bigint";
}

/**
 * The errors NewRequirement aggregates for a parsed key, operator and values (sorted and
 * deduplicated, as `sets.String.List()` hands them over): the Gt/Lt integer check, then each
 * value's label-value check, with the field paths of a nil root (`values[0]`, `values[0][key]`).
 */
function requirementErrors(key: string, op: Op, values: string[]): string[] {
  const errs: string[] = [];
  if (op === ">" || op === "<") {
    values.forEach((v, i) => {
      if (!isInt64(v)) errs.push(`values[${i}]: Invalid value: ${JSON.stringify(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
    });
  }
  values.forEach((v, i) => {
    const msgs = labelValueErrors(v);
    if (msgs.length) errs.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${msgs.join("; ")}`);
  });
  return errs;
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several deduplicated in brackets. */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(", ")}]`;
}

/**
 * Parses a label selector; throws `SelectorError` with the real parser's message (1.32's
 * labels.Parse, as the server calls it with no field path): errors inside a requirement are
 * wrapped as `unable to parse requirement: ...`, a bad key reads `<nil>: Invalid value: ...`.
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
  /** An error of parseRequirement, as Parser.parse wraps it. */
  const failRequirement = (message: string): never => fail(`unable to parse requirement: ${message}`);
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
    let negated = false;
    let key = next(true);
    if (key.tok === "!") {
      negated = true;
      key = next(true);
    }
    if (key.tok !== "id") failRequirement(`found '${key.lit}', expected: identifier`);
    const keyErrs = labelKeyErrors(key.lit);
    if (keyErrs.length) failRequirement(`<nil>: Invalid value: ${JSON.stringify(key.lit)}: ${keyErrs.join("; ")}`);
    // `!key` is complete whatever follows: the caller then wants ',' or the end.
    if (negated) return { key: key.lit, op: "!", values: [] };
    const la = peek().tok;
    if (la === "eos" || la === ",") return { key: key.lit, op: "exists", values: [] };
    const o = items[pos++]!;
    if (!["in", "notin", "=", "==", "!=", ">", "<"].includes(o.tok)) failRequirement(`found '${o.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    const op = o.tok as Op;
    const values = op === "in" || op === "notin" ? [...new Set(setValues())].sort() : [exactValue()];
    const errs = requirementErrors(key.lit, op, values);
    if (errs.length) failRequirement(aggregate(errs));
    return { key: key.lit, op, values };
  }

  function exactValue(): string {
    const la = peek().tok;
    if (la === "eos" || la === ",") return "";
    const v = next(true);
    if (v.tok !== "id") failRequirement(`found '${v.lit}', expected: identifier`);
    return v.lit;
  }

  function setValues(): string[] {
    const open = next(true);
    // No comma here: parseValues' own wording.
    if (open.tok !== "(") failRequirement(`found '${open.lit}' expected: '('`);
    const la = peek();
    if (la.tok === ")") {
      next(true);
      return [""];
    }
    if (la.tok !== "id" && la.tok !== ",") failRequirement(`found '${la.lit}', expected: ',', ')' or identifier`);
    const values: string[] = [];
    for (;;) {
      const t = next(true);
      if (t.tok === "id") {
        values.push(t.lit);
        const t2 = peek();
        if (t2.tok === ",") continue;
        if (t2.tok === ")") break;
        failRequirement(`found '${t2.lit}', expected: ',' or ')'`);
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
        failRequirement(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
    const close = next(true);
    if (close.tok !== ")") failRequirement(`found '${la.lit}', expected: ')'`);
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
        if (!has || !isInt64(value!) || !isInt64(r.values[0] ?? "")) return false;
        const n = BigInt(value!);
        const bound = BigInt(r.values[0]!);
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
