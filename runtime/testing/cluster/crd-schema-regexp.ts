/**
 * @module cluster/crd-schema-regexp
 * A Go RE2 pattern (a schema's `pattern`, a CEL rule's `matches`, `find`, `findAll`) as a
 * JavaScript RegExp, translated token by token (escapes and bracket expressions respected):
 * leading `(?i)`/`(?s)`/`(?m)` become flags; `\A` and `\z` the start and end of the text;
 * `\pL` is `\p{L}`; `\Q...\E` a literal; `(?P<name>` a named group; `[[:alpha:]]` and RE2's
 * other ASCII classes their ranges (a negated one only alone in its brackets). `null` where
 * the translation or JavaScript cannot take it (an inline flag group elsewhere, `(?U)`): 1.32
 * would match it as Go does. Matching stays JavaScript's backtracking (RE2 is linear).
 */

const patterns = new Map<string, RegExp | null>();

/** RE2's ASCII classes (`[[:alpha:]]`), as the inside of a JavaScript class. */
const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** `text` as literal regular-expression source, in a bracket expression or outside one. */
function literal(text: string, inClass: boolean): string {
  return text.replace(inClass ? /[\\\]^-]/g : /[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

/** The JavaScript source of an RE2 pattern (flags already taken off), or null. */
function translate(source: string): string | null {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      const n = source[i + 1];
      if (n === undefined) return null;
      if (n === "Q") {
        const end = source.indexOf("\\E", i + 2);
        out += literal(source.slice(i + 2, end < 0 ? source.length : end), inClass);
        i = end < 0 ? source.length : end + 1;
      } else if (!inClass && (n === "A" || n === "z")) {
        out += n === "A" ? "(?<![\\s\\S])" : "(?![\\s\\S])";
        i++;
      } else if ((n === "p" || n === "P") && /[A-Z]/.test(source[i + 2] ?? "")) {
        out += `\\${n}{${source[i + 2]}}`;
        i += 2;
      } else {
        out += c + n;
        i++;
      }
      continue;
    }
    if (inClass) {
      if (c === "[" && source[i + 1] === ":") {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(source.slice(i));
        if (m) {
          if (m[1] || POSIX[m[2]!] === undefined) return null;
          out += POSIX[m[2]!];
          i += m[0].length - 1;
          continue;
        }
      }
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      // A negated POSIX class alone in its brackets: `[[:^alpha:]]`.
      const negated = /^\[\[:\^([a-z]+):\]\]/.exec(source.slice(i));
      if (negated) {
        if (POSIX[negated[1]!] === undefined) return null;
        out += `[^${POSIX[negated[1]!]}]`;
        i += negated[0].length - 1;
        continue;
      }
      inClass = true;
      out += c;
      // `^` and a first `]` are not the class's end.
      if (source[i + 1] === "^") out += source[++i];
      if (source[i + 1] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (c === "(" && source.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
      continue;
    }
    // An inline flag group past the start (`(?i:...)`, `(?U)`): not in Node 20's RegExp.
    if (c === "(" && source[i + 1] === "?" && /[imsU-]/.test(source[i + 2] ?? "")) return null;
    out += c;
  }
  return out;
}

/**
 * A `pattern` (Go RE2, unanchored) as a JavaScript RegExp, or `null` where it cannot be (such a
 * pattern is then not checked).
 *
 * @example
 * goPattern("(?i)^[[:alpha:]]+\\z")?.test("Abc"); // true
 */
export function goPattern(pattern: string): RegExp | null {
  if (patterns.has(pattern)) return patterns.get(pattern)!;
  let source = pattern;
  let flags = "";
  const inline = /^\(\?([ims]+)\)/.exec(source);
  if (inline) {
    flags = inline[1]!;
    source = source.slice(inline[0].length);
  }
  const translated = translate(source);
  let re: RegExp | null = null;
  for (const f of translated === null ? [] : [`${flags}u`, flags]) {
    try {
      re = new RegExp(translated!, f);
      break;
    } catch {
      // try without the unicode flag (Go accepts escapes `u` refuses)
    }
  }
  patterns.set(pattern, re);
  return re;
}
