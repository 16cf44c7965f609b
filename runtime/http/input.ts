/**
 * @module http/input
 * What a request asks for besides its body: the input of GET functions from the query string
 * (repeated keys become arrays; the function's zod schema coerces strings, e.g.
 * `z.coerce.number()`), and dry-run mode (`?dryRun=true` or `1`, or the header
 * `X-Podfn-Dry-Run: true`). The `dryRun` query parameter is reserved: it never reaches the input.
 */

/** A query string (without `?`) as an object: `a=1&a=2&b=x` → `{a: ["1", "2"], b: "x"}`, without `dryRun`. */
export function queryInput(query: string): Record<string, string | string[]> {
  const input: Record<string, string | string[]> = {};
  if (query === "") return input;
  for (const [key, value] of new URLSearchParams(query)) {
    if (key === "dryRun" || key === "__proto__") continue;
    // Own keys only: `constructor` or `toString` must not find what `{}` inherits.
    const seen = Object.hasOwn(input, key) ? input[key] : undefined;
    if (seen === undefined) input[key] = value;
    else if (typeof seen === "string") input[key] = [seen, value];
    else seen.push(value);
  }
  return input;
}

/**
 * True when the request asks for a dry run (`header`, the value of `X-Podfn-Dry-Run`, is `true`,
 * or the query string has `dryRun=true`/`dryRun=1`); either suffices.
 */
export function wantsDryRun(query: string, header: string | null): boolean {
  if (header !== null && isTrue(header)) return true;
  if (!query.includes("dryRun=")) return false;
  const value = new URLSearchParams(query).get("dryRun");
  return value !== null && isTrue(value);
}

function isTrue(value: string): boolean {
  return value === "1" || value.toLowerCase() === "true";
}
