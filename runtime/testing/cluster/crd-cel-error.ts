/**
 * @module cluster/crd-cel-error
 * CEL errors in cel-go's words: the error a CEL library function of the emulator throws (its
 * message is cel-go's text for it; crd-cel reports it as `<text> evaluating rule: ...`), and
 * `celGoError`, cel-go's text for an evaluation error of @marcbachmann/cel-js (used by CRD
 * rules and webhook matchConditions alike).
 */
import { originalNames } from "./crd-cel-source.js";

export class CelFunctionError extends Error {}

/** cel-go's text for an evaluation error of @marcbachmann/cel-js (its first line). */
export function celGoError(message: string): string {
  const text = originalNames(message.split("\n")[0]!.trim());
  const index = /^No such key: index out of bounds, index (-?\d+)/.exec(text);
  if (index) return `index out of bounds: ${index[1]}`;
  if (text.startsWith("No such key: ")) return `no such key: ${text.slice("No such key: ".length)}`;
  if (text.startsWith("integer overflow")) return "integer overflow";
  if (text.startsWith("modulo by zero")) return "modulus by zero";
  // cel-go names no types in it (`'no such overload': call arguments did not match ...`).
  if (text.startsWith("no such overload") || text.startsWith("found no matching overload")) return "no such overload";
  return text;
}
