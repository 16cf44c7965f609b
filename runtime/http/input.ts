/**
 * @module http/input
 * What a request asks for besides its body: the input of GET functions from the query string
 * (repeated keys become arrays; the function's zod schema coerces strings, e.g.
 * `z.coerce.number()`), and dry-run mode (`?dryRun=true` or `1`, or the header
 * `X-Podfn-Dry-Run: true`). The `dryRun` query parameter is reserved: it never reaches the input.
 */

/** The query string of `url` as an object: `a=1&a=2&b=x` → `{a: ["1", "2"], b: "x"}`, without `dryRun`. */
export function queryInput(url: string): Record<string, string | string[]> {
  const input: Record<string, string | string[]> = {};
  const q = url.indexOf("?");
  if (q === -1) return input;
  for (const [key, value] of new URLSearchParams(url.slice(q + 1))) {
    if (key === "dryRun" || key === "__proto__") continue;
    const seen = input[key];
    if (seen === undefined) input[key] = value;
    else if (typeof seen === "string") input[key] = [seen, value];
    else seen.push(value);
  }
  return input;
}

/** True when the request asks for a dry run (header `X-Podfn-Dry-Run: true`, or `dryRun=true`/`dryRun=1` in the query); either suffices. */
export function wantsDryRun(url: string, headers: Headers): boolean {
  const header = headers.get("x-podfn-dry-run");
  if (header !== null && isTrue(header)) return true;
  const q = url.indexOf("?");
  if (q === -1 || !url.includes("dryRun=", q)) return false;
  const value = new URLSearchParams(url.slice(q + 1)).get("dryRun");
  return value !== null && isTrue(value);
}

function isTrue(value: string): boolean {
  return value === "1" || value.toLowerCase() === "true";
}
