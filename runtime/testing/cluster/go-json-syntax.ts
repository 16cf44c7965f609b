/**
 * @module cluster/go-json-syntax
 * The syntax error Go's `encoding/json` reports for a JSON text (`checkValid`, run by
 * `json.Unmarshal` before decoding), in its words: the state machine of its scanner.go, byte by
 * byte, `invalid character 'x' <context>`, or at the end `unexpected end of JSON input` unless a
 * final space makes the pending state fail first (`"tr"` is `invalid character ' ' in literal
 * true (expecting 'u')`). Undefined when the text is valid.
 */

type Step = (c: number) => string | undefined;

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** Go's quoteChar: the byte as a rune in single quotes, escaped as strconv.Quote escapes it. */
export function goQuoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const named: Record<number, string> = { 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 0x5c: "\\\\" };
  if (named[c]) return `'${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, "0")}'`;
  // U+0080–U+009F and the soft hyphen are not printable: strconv quotes them \u00XX.
  if ((c >= 0x80 && c <= 0x9f) || c === 0xad) return `'\\u00${c.toString(16).padStart(2, "0")}'`;
  return `'${String.fromCharCode(c)}'`;
}

/** The syntax error of `data` as json.Unmarshal reports it, or undefined when `data` is valid JSON. */
export function goJsonSyntaxError(data: Uint8Array): string | undefined {
  const stack: ("key" | "value" | "array")[] = [];
  let endTop = false;
  const fail = (c: number, context: string) => `invalid character ${goQuoteChar(c)} ${context}`;
  const literal = (rest: string, name: string, i = 0): Step => (c) => {
    if (c !== rest.charCodeAt(i)) return fail(c, `in literal ${name} (expecting '${rest[i]}')`);
    step = i + 1 < rest.length ? literal(rest, name, i + 1) : endValue;
    return undefined;
  };
  const beginValue: Step = (c) => {
    if (isSpace(c)) return undefined;
    if (c === 0x7b) return (stack.push("key"), (step = beginStringOrEmpty), undefined);
    if (c === 0x5b) return (stack.push("array"), (step = beginValueOrEmpty), undefined);
    if (c === 0x22) return ((step = inString), undefined);
    if (c === 0x2d) return ((step = neg), undefined);
    if (c === 0x30) return ((step = zero), undefined);
    if (c >= 0x31 && c <= 0x39) return ((step = digits), undefined);
    if (c === 0x74) return ((step = literal("rue", "true")), undefined);
    if (c === 0x66) return ((step = literal("alse", "false")), undefined);
    if (c === 0x6e) return ((step = literal("ull", "null")), undefined);
    return fail(c, "looking for beginning of value");
  };
  const beginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) return undefined;
    if (c === 0x5d) return endValue(c);
    return beginValue(c);
  };
  const beginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) return undefined;
    if (c === 0x7d) {
      stack[stack.length - 1] = "value";
      return endValue(c);
    }
    return beginString(c);
  };
  const beginString: Step = (c) => {
    if (isSpace(c)) return undefined;
    if (c === 0x22) return ((step = inString), undefined);
    return fail(c, "looking for beginning of object key string");
  };
  const endValue: Step = (c) => {
    if (stack.length === 0) {
      endTop = true;
      step = endTopStep;
      return endTopStep(c);
    }
    if (isSpace(c)) return ((step = endValue), undefined);
    const top = stack[stack.length - 1];
    if (top === "key") {
      if (c === 0x3a) return ((stack[stack.length - 1] = "value"), (step = beginValue), undefined);
      return fail(c, "after object key");
    }
    if (top === "value") {
      if (c === 0x2c) return ((stack[stack.length - 1] = "key"), (step = beginString), undefined);
      if (c === 0x7d) return (stack.pop(), (step = endValue), undefined);
      return fail(c, "after object key:value pair");
    }
    if (c === 0x2c) return ((step = beginValue), undefined);
    if (c === 0x5d) return (stack.pop(), (step = endValue), undefined);
    return fail(c, "after array element");
  };
  const endTopStep: Step = (c) => (isSpace(c) ? undefined : fail(c, "after top-level value"));
  const inString: Step = (c) => {
    if (c === 0x22) return ((step = endValue), undefined);
    if (c === 0x5c) return ((step = inEscape), undefined);
    if (c < 0x20) return fail(c, "in string literal");
    return undefined;
  };
  const inEscape: Step = (c) => {
    if ([0x62, 0x66, 0x6e, 0x72, 0x74, 0x5c, 0x2f, 0x22].includes(c)) return ((step = inString), undefined);
    if (c === 0x75) return ((step = hexEscape(0)), undefined);
    return fail(c, "in string escape code");
  };
  const hexEscape = (n: number): Step => (c) => {
    if (!isHex(c)) return fail(c, "in \\u hexadecimal character escape");
    step = n === 3 ? inString : hexEscape(n + 1);
    return undefined;
  };
  const neg: Step = (c) => {
    if (c === 0x30) return ((step = zero), undefined);
    if (c >= 0x31 && c <= 0x39) return ((step = digits), undefined);
    return fail(c, "in numeric literal");
  };
  const digits: Step = (c) => (isDigit(c) ? undefined : zero(c));
  const zero: Step = (c) => {
    if (c === 0x2e) return ((step = dot), undefined);
    if (c === 0x65 || c === 0x45) return ((step = exponent), undefined);
    return endValue(c);
  };
  const dot: Step = (c) => (isDigit(c) ? ((step = dotDigits), undefined) : fail(c, "after decimal point in numeric literal"));
  const dotDigits: Step = (c) => {
    if (isDigit(c)) return undefined;
    if (c === 0x65 || c === 0x45) return ((step = exponent), undefined);
    return endValue(c);
  };
  const exponent: Step = (c) => (c === 0x2b || c === 0x2d ? ((step = exponentSign), undefined) : exponentSign(c));
  const exponentSign: Step = (c) => (isDigit(c) ? ((step = exponentDigits), undefined) : fail(c, "in exponent of numeric literal"));
  const exponentDigits: Step = (c) => (isDigit(c) ? undefined : endValue(c));

  let step: Step = beginValue;
  for (const c of data) {
    const error = step(c);
    if (error) return error;
  }
  if (endTop) return undefined;
  const error = step(0x20);
  return endTop ? undefined : (error ?? "unexpected end of JSON input");
}
