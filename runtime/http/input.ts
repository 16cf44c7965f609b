/**
 * @module http/input
 * What a request asks for besides its body: the input of GET functions from the query string
 * (repeated keys become arrays; the function's zod schema coerces strings, e.g.
 * `z.coerce.number()`), and dry-run mode (`?dryRun=` or the header `X-Podfn-Dry-Run:`, each
 * `true`/`1` for a dry run or `false`/`0` for a real one). The `dryRun` query parameter is
 * reserved: it never reaches the input. A request that asks for a dry run in a form only half
 * recognised must never run for real: the key counts however it is percent-encoded, a repeated
 * header is the list it is, and any other value is refused (`InputError` naming `dryRun`). A
 * misspelt key (`dryrun`, `dry-run`, `DryRun`, `dryRun[]`, or a value that is or holds one) on a request
 * whose query is not its input is refused too (naming it); on a GET its input check refuses it
 * (input-dry-run). So is a header whose name says `dryRun` but is not `X-Podfn-Dry-Run`.
 */
import { InputError } from "../errors.js";
import { isDryRunKey } from "../input-dry-run.js";

/**
 * A query string (without `?`) as an object: `a=1&a=2&b=x` → `{a: ["1", "2"], b: "x"}`, without
 * `dryRun`; throws an `InputError` for a malformed escape rather than reading it loosely.
 */
export function queryInput(query: string): Record<string, string | string[]> {
  return formFields(query, "dryRun");
}

/**
 * `application/x-www-form-urlencoded` text as an object, as `queryInput` reads a query (`reserved`:
 * a key left out); a body's keeps every key, so a `dryRun` field is judged as a JSON body's is.
 */
export function formFields(text: string, reserved?: string): Record<string, string | string[]> {
  const input: Record<string, string | string[]> = {};
  if (text === "") return input;
  if (text.includes("%")) refuseMalformedEscapes(text);
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === reserved || key === "__proto__") continue;
    // Own keys only: `constructor` or `toString` must not find what `{}` inherits.
    const seen = Object.hasOwn(input, key) ? input[key] : undefined;
    if (seen === undefined) input[key] = value;
    else if (typeof seen === "string") input[key] = [seen, value];
    else seen.push(value);
  }
  return input;
}

/**
 * Throws naming the key whose key or value holds a `%` escape that is not one (`%zz`) or bytes
 * that are not UTF-8 (`%E0%A4%A`): URLSearchParams would keep the first as is and read the
 * second as U+FFFD, the input changed unseen.
 */
function refuseMalformedEscapes(query: string): void {
  for (const pair of query.split("&")) {
    if (!pair.includes("%")) continue;
    const eq = pair.indexOf("=");
    for (const part of eq === -1 ? [pair] : [pair.slice(0, eq), pair.slice(eq + 1)]) {
      try {
        decodeURIComponent(part.replace(/\+/g, " "));
      } catch {
        const key = new URLSearchParams(eq === -1 ? pair : pair.slice(0, eq)).keys().next().value ?? "";
        const message = "is not valid percent-encoded UTF-8 (a % must start an escape of UTF-8 bytes: %25 for % itself)";
        throw new InputError(`invalid input: ${key}: ${message}`, [{ path: key, message }]);
      }
    }
  }
}

/** A percent-encoded letter of `dryRun` (d n r u y R): the key may be spelled with one. */
const ENCODED_KEY_LETTER = /%(?:6[4Ee]|7[259]|52)/;

/**
 * True when the request asks for a dry run: `header` (the value of `X-Podfn-Dry-Run`, repeated
 * ones joined with ", ") or the query's `dryRun` says `true`/`1`; either suffices. Throws an
 * `InputError` naming `dryRun` for any other value than those and `false`/`0`, or values of one
 * source that disagree. A query without `dryRun` (the common case) is not parsed.
 */
export function wantsDryRun(query: string, header: string | null, queryIsInput = false): boolean {
  const byHeader = header !== null && headerDryRun(header);
  if (query === "") return byHeader;
  const encoded = query.includes("%") && ENCODED_KEY_LETTER.test(query);
  if (!queryIsInput && (encoded || MAY_BE_MISSPELT.test(query))) refuseMisspeltKey(query);
  const mayAsk = query.includes("dryRun") || encoded;
  return (mayAsk && queryDryRun(query)) || byHeader;
}

/** A query that may hold a dry-run key spelt otherwise than `dryRun`. */
const MAY_BE_MISSPELT = /dry/i;

/**
 * Throws for a key that says `dryRun` otherwise (case, separators, brackets, spaces), or a value
 * that does (`?a=1;dryRun=true`, `?mode=dry-run`): a request that meant a dry run must not run.
 */
function refuseMisspeltKey(query: string): void {
  for (const [key, value] of new URLSearchParams(query)) {
    if (key === "dryRun") continue;
    if (isDryRunKey(key)) throw misspelt(key, "is not podfn's dry-run parameter: write dryRun=true (nothing was run)");
    if (saysDryRun(value)) throw misspelt(key, "asks for a dry run podfn does not read: write dryRun=true (nothing was run)");
  }
}

/** A query value that is a dry-run request itself (`dry-run`, `DRYRUN`) or holds one (`1;dryRun=true`). */
function saysDryRun(value: string): boolean {
  if (value.length < 6 || !/dry/i.test(value)) return false;
  const letters = value.toLowerCase().replace(/[^a-z0-9=]/g, "");
  return letters === "dryrun" || letters.includes("dryrun=");
}

const misspelt = (path: string, message: string) => new InputError(`invalid input: ${path}: ${message}`, [{ path, message }]);

/**
 * Throws for the first header whose name says `dryRun` but is not `X-Podfn-Dry-Run`
 * (`X-Dry-Run`, `X-Podfn-DryRun`): refused like a misspelt query key. `names` holds the names
 * at every `step`-th entry: a Node request's `rawHeaders` (step 2), or a `Headers`' keys.
 */
export function refuseMisspeltDryRunHeader(names: readonly string[], step = 1): void {
  for (let i = 0; i < names.length; i += step) checkHeaderName(names[i]!);
}

function checkHeaderName(name: string): void {
  if (isDryRunKey(name) && name.toLowerCase() !== "x-podfn-dry-run") {
    throw misspelt(name, "is not podfn's dry-run header: send X-Podfn-Dry-Run: true, or ?dryRun=true (nothing was run)");
  }
}

function headerDryRun(header: string): boolean {
  // A list (RFC 9110 §5.6.1): empty elements are ignored; an empty header says nothing.
  const values = header.split(",").map((v) => v.trim()).filter((v) => v !== "");
  return agreed(values, "the X-Podfn-Dry-Run header");
}

function queryDryRun(query: string): boolean {
  return agreed(new URLSearchParams(query).getAll("dryRun"), "the dryRun query parameter");
}

/** What every value says (false when there are none); throws when one is unknown or they disagree. */
function agreed(values: string[], where: string): boolean {
  let answer: boolean | undefined;
  for (const value of values) {
    const lower = value.toLowerCase();
    const said = value === "1" || lower === "true" ? true : value === "0" || lower === "false" ? false : undefined;
    if (said === undefined) throw refused(`${where} must be true or 1 (a dry run), or false or 0 (a real run)`);
    if (answer !== undefined && said !== answer) throw refused(`${where} is given more than once with values that disagree`);
    answer = said;
  }
  return answer ?? false;
}

function refused(message: string): InputError {
  return new InputError(`invalid input: dryRun: ${message}`, [{ path: "dryRun", message }]);
}
