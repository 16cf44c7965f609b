/**
 * @module cluster/crd-cel-source
 * A rule's source with the calls whose @marcbachmann/cel-js built-ins differ from cel-go's
 * renamed to the emulator's own (`matches` to `__k8s_matches`: RE2's syntax, not JavaScript's;
 * `lowerAscii`/`upperAscii`: ASCII letters only; `int`, `uint`, `double`, `bool`, `duration`,
 * `timestamp`: strings parsed as Go parses them, crd-cel-conversions), since the library
 * refuses a second overload of a built-in; and `has(e.f)` whose `e` is not a name or a chain
 * of fields (`has(self.rules[0].path)`, which the library cannot take) to `__k8s_has(e, 'f')`.
 * Only calls are renamed (a name followed by `(`), never text inside string literals (`'...'`,
 * `"..."`, their triple-quoted, raw `r` and bytes `b` forms) or `//` comments.
 */

/** The built-ins replaced, and their replacements (crd-cel-library registers them). */
export const RENAMED = {
  matches: "__k8s_matches",
  lowerAscii: "__k8s_lowerAscii",
  upperAscii: "__k8s_upperAscii",
  int: "__k8s_int",
  uint: "__k8s_uint",
  double: "__k8s_double",
  bool: "__k8s_bool",
  duration: "__k8s_duration",
  timestamp: "__k8s_timestamp",
} as const satisfies Record<string, string>;

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;

/** The index just past the string literal opening at `i` (its quote), raw or not. */
function stringEnd(source: string, i: number, raw: boolean): number {
  const quote = source[i]!;
  const triple = source.startsWith(quote.repeat(3), i);
  const close = triple ? quote.repeat(3) : quote;
  let j = i + close.length;
  while (j < source.length) {
    if (!raw && source[j] === "\\") {
      j += 2;
      continue;
    }
    if (source.startsWith(close, j)) return j + close.length;
    if (!triple && source[j] === "\n") return j;
    j++;
  }
  return j;
}

/** The index of the bracket closing the one at `open` (strings and comments skipped), or -1. */
function closing(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (c === "'" || c === '"') {
      const raw = i > 0 && /[rR]/.test(source[i - 1]!) && (i < 2 || !IDENT.test(source[i - 2]!) || /[bB]/.test(source[i - 2]!));
      i = stringEnd(source, i, raw) - 1;
    } else if (c === "/" && source[i + 1] === "/") {
      const end = source.indexOf("\n", i);
      i = end < 0 ? source.length : end;
    } else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** A name, or a chain of field selections on one (`self.spec.x`): what the library's `has` takes. */
const FIELD_CHAIN = /^\s*[A-Za-z_][A-Za-z0-9_]*(\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)+\s*$/;

/** `has(arg)` as the library can take it: itself for a field chain, else `__k8s_has(e, 'f')` for `e.f`. */
function hasCall(arg: string): string {
  // An optional selection (`.?a`, `[?0]`) stays the library's (it refuses it: the rule is skipped, not misjudged).
  if (FIELD_CHAIN.test(arg) || /\.\?|\[\?/.test(arg)) return `has(${arg})`;
  const m = /\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(arg);
  if (!m) return `has(${renameBuiltins(arg)})`;
  return `${HAS}(${renameBuiltins(arg.slice(0, m.index))}, '${m[1]}')`;
}

/** The emulator's `has` of a field of any expression. */
export const HAS = "__k8s_has";

/**
 * `source` with the `RENAMED` calls renamed.
 *
 * @example
 * renameBuiltins("self.name.matches('^a+$') && self.matches == 'x'"); // "self.name.__k8s_matches('^a+$') && self.matches == 'x'"
 */
export function renameBuiltins(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === "/" && source[i + 1] === "/") {
      // A comment, to the end of its line.
      const end = source.indexOf("\n", i);
      const stop = end < 0 ? source.length : end;
      out += source.slice(i, stop);
      i = stop;
    } else if (c === "'" || c === '"') {
      const end = stringEnd(source, i, false);
      out += source.slice(i, end);
      i = end;
    } else if (IDENT_START.test(c) && (i === 0 || !IDENT.test(source[i - 1]!))) {
      let j = i;
      while (j < source.length && IDENT.test(source[j]!)) j++;
      const word = source.slice(i, j);
      if (/^[rRbB]{1,2}$/.test(word) && (source[j] === "'" || source[j] === '"')) {
        const end = stringEnd(source, j, /r/i.test(word));
        out += source.slice(i, end);
        i = end;
        continue;
      }
      let k = j;
      while (k < source.length && /\s/.test(source[k]!)) k++;
      const end = word === "has" && source[k] === "(" && (i === 0 || source[i - 1] !== ".") ? closing(source, k) : -1;
      if (end > 0) {
        out += hasCall(source.slice(k + 1, end));
        i = end + 1;
        continue;
      }
      out += source[k] === "(" && Object.hasOwn(RENAMED, word) ? RENAMED[word as keyof typeof RENAMED] : word;
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** An error's text with the renamed calls named as the rule wrote them (and `sets.contains`, not its namespace type's name). */
export function originalNames(text: string): string {
  return text.replace(/__k8s_([A-Za-z]+)/g, "$1").replace(/SetsNamespace\./g, "sets.");
}
