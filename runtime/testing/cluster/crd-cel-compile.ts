/**
 * @module cluster/crd-cel-compile
 * A CRD schema node's `x-kubernetes-validations` rules compiled once per schema object (the
 * emulator's CEL environment, crd-cel-library; calls renamed by crd-cel-source): each rule's
 * program, its `messageExpression`'s, whether it uses `oldSelf`, or why it is not evaluated
 * here (it does not compile in this environment, or a literal pattern is beyond what is
 * translated from RE2).
 */
import type { Environment } from "@marcbachmann/cel-js";
import { celEnvironments } from "./crd-cel-library.js";
import { goPattern } from "./crd-schema-regexp.js";
import { originalNames, renameBuiltins } from "./crd-cel-source.js";
import { isObject, type CrdSchema, type Obj } from "./crd-schema-node.js";

/** An error's first line (the library adds the source and a caret below). */
export const firstLine = (text: string) => text.split("\n")[0]!.trim();

/** One `x-kubernetes-validations` entry as written. */
export interface Rule {
  rule?: unknown;
  message?: unknown;
  messageExpression?: unknown;
  reason?: unknown;
  fieldPath?: unknown;
  optionalOldSelf?: unknown;
}

export type Program = (context: Obj) => unknown;

/** A rule ready to run, or why it is not run here. */
export interface CompiledRule {
  rule: Rule;
  source: string;
  program?: Program;
  messageProgram?: Program;
  usesOldSelf: boolean;
  optionalOldSelf: boolean;
  /** Why the emulator does not run it (it does not compile here). */
  skipped?: string;
  /** Why its `messageExpression` is not used (it does not compile here: the message is `message`'s or the default). */
  messageSkipped?: string;
}

const compiledBySchema = new WeakMap<object, CompiledRule[]>();

/** Whether a parsed expression (its `ast`) refers to the variable `name`. */
export function mentionsVariable(ast: unknown, name: string): boolean {
  if (Array.isArray(ast)) return ast.some((a) => mentionsVariable(a, name));
  if (!isObject(ast)) return false;
  if (ast.op === "id" && ast.args === name) return true;
  return mentionsVariable(ast.args, name);
}

const mentionsOldSelf = (ast: unknown) => mentionsVariable(ast, "oldSelf");

/** Whether a rule mentions `oldSelf` (a transition rule); undefined when it does not parse here. */
export function usesOldSelf(source: string): boolean | undefined {
  try {
    return mentionsOldSelf(celEnvironments().plain.parse(source).ast);
  } catch {
    return undefined;
  }
}

const PATTERN_CALLS = new Set(["__k8s_matches", "find", "findAll"]);

/** A literal pattern of a `matches`, `find` or `findAll` call the emulator's regular expressions cannot take, if any. */
function unsupportedPattern(ast: unknown): string | undefined {
  if (Array.isArray(ast)) {
    for (const a of ast) {
      const found = unsupportedPattern(a);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isObject(ast)) return undefined;
  if ((ast.op === "rcall" || ast.op === "call") && Array.isArray(ast.args) && PATTERN_CALLS.has(ast.args[0] as string)) {
    const args = (ast.op === "rcall" ? ast.args[2] : ast.args[1]) as unknown[];
    const pattern = args?.[args.length - (ast.args[0] === "findAll" && args.length === 2 ? 2 : 1)] as Obj | undefined;
    if (pattern?.op === "value" && typeof pattern.args === "string" && goPattern(pattern.args) === null) return pattern.args;
  }
  return unsupportedPattern(ast.args);
}

function compile(env: Environment, source: string, type: "bool" | "string"): { program?: Program; ast?: unknown; error?: string } {
  try {
    const parsed = env.parse(renameBuiltins(source));
    const checked = parsed.check();
    if (!checked.valid) return { error: originalNames(firstLine(checked.error?.message ?? "does not compile")) };
    if (checked.type !== undefined && checked.type !== type && checked.type !== "dyn") return { error: type === "bool" ? "cel expression must evaluate to a bool" : "messageExpression must evaluate to a string" };
    const pattern = unsupportedPattern(parsed.ast);
    if (pattern !== undefined) return { error: `the regular expression ${JSON.stringify(pattern)} is beyond what the emulated cluster translates from RE2` };
    return { program: parsed as unknown as Program, ast: parsed.ast };
  } catch (error) {
    return { error: originalNames(firstLine((error as Error).message)) };
  }
}

/** The rules of one schema node, compiled once per schema object. */
export function rulesOf(s: CrdSchema): CompiledRule[] {
  const list = s["x-kubernetes-validations"];
  if (!Array.isArray(list) || list.length === 0) return [];
  const cached = compiledBySchema.get(s);
  if (cached) return cached;
  let environments: ReturnType<typeof celEnvironments> | undefined;
  let unavailable = "";
  try {
    environments = celEnvironments();
  } catch (error) {
    unavailable = (error as Error).message;
  }
  const compiled = list.map((entry): CompiledRule => {
    const rule = (isObject(entry) ? entry : {}) as Rule;
    const source = typeof rule.rule === "string" ? rule.rule.trim() : "";
    const optional = rule.optionalOldSelf === true;
    if (!environments) return { rule, source, usesOldSelf: false, optionalOldSelf: optional, skipped: unavailable };
    const { plain, optionalOldSelf } = environments;
    const result = compile(optional ? optionalOldSelf : plain, source, "bool");
    const out: CompiledRule = { rule, source, usesOldSelf: mentionsOldSelf(result.ast), optionalOldSelf: optional };
    if (result.error !== undefined) return { ...out, skipped: result.error };
    out.program = result.program;
    if (typeof rule.messageExpression === "string" && rule.messageExpression.trim() !== "") {
      const message = compile(plain, rule.messageExpression, "string");
      if (message.program) out.messageProgram = message.program;
      else out.messageSkipped = message.error;
    }
    return out;
  });
  compiledBySchema.set(s, compiled);
  return compiled;
}
