/**
 * @module secret-values
 * The values of the secrets this process holds (caller-auth secrets, the API server token), so
 * the log can censor them wherever they appear: in a message a handler wrote, an error it threw,
 * a field it logged. Shape-based censoring (headers, `token` fields, `Bearer …`: log-error.ts)
 * catches credentials podfn has never seen; this catches the ones it has, by value. Values
 * shorter than 8 characters are not remembered (they would censor ordinary words). What each
 * holder (a secret file, a token source) holds now is kept for as long as it holds it (many
 * holders of one value, as each `podfn dev` reload makes, count as one); the last 64 values
 * replaced, or whose holder is gone, are kept too (a rotating token leaves its old values
 * behind). A secret is remembered as written, base64-encoded (as a Secret's `data` holds it),
 * with a character JSON escapes as a JSON log line carries it, and with one a URL escapes
 * percent-encoded as `encodeURIComponent` and a query string (`URLSearchParams`) write it (a
 * password in a connection string, a key in a webhook URL). Once a handler has been handed a secret's value (`ctx.secret`),
 * what the process answers (HTTP bodies and headers, admission denials, `podfn run`'s result) is
 * censored too (`censorAnswer`); until then answers are sent as they are, at no cost.
 */

const MIN_LENGTH = 8;
/** How many values retired are kept (each with all its forms). */
const MAX_RETIRED = 64;
const CENSORED = "[redacted]";

/** Counts the changes to what is censored: a text censored at one count needs no second look at the same count. */
let generation = 0;
/** Each holder's current forms; weakly: a holder collected lets its value retire. */
const held = new WeakMap<object, string[]>();
/** How many holders hold each current form (holders of one value are counted, not listed). */
const holding = new Map<string, number>();
/** Values replaced by their holder's next (or given without one), each by its forms, insertion-ordered: the oldest is dropped first. */
const retired = new Map<string, readonly string[]>();
/** A holder collected while holding a value: the value retires. */
const collected = new FinalizationRegistry<string[]>(function holderCollected(forms) {
  release(forms);
  retire(forms);
});

function release(forms: readonly string[]): void {
  for (const form of forms) {
    const left = (holding.get(form) ?? 1) - 1;
    if (left > 0) holding.set(form, left);
    else holding.delete(form);
  }
}

/**
 * `value` as written, as a JSON log line carries it (a `"`, `\` or control character is escaped
 * there), base64-encoded, as a Secret's `data` holds it (what an admission webhook echoing
 * the object it refuses would quote), and percent-encoded as a URL carries it (`p%40ss`, a
 * query string's `p+ss`), each form once.
 */
function formsOf(value: string): string[] {
  if (value.length < MIN_LENGTH) return [];
  const escaped = JSON.stringify(value).slice(1, -1);
  const base64 = Buffer.from(value, "utf8").toString("base64");
  const forms = escaped === value ? [value, base64] : [escaped, value, base64];
  for (const encoded of [encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)]) {
    if (!forms.includes(encoded)) forms.push(encoded);
  }
  return forms;
}

function retire(forms: readonly string[]): void {
  if (forms.length === 0) return;
  generation++;
  const key = forms.join("\n");
  retired.delete(key);
  retired.set(key, forms);
  if (retired.size > MAX_RETIRED) retired.delete(retired.keys().next().value!);
}

/**
 * Remember `value` as a secret, to be censored from every log line from now on. With a
 * `holder` (the object that reads it: a secret file, a token source), it is that holder's
 * current value and is censored for as long as it is; the value it replaces joins the last 64
 * retired ones (a rotating token leaves its old values behind).
 *
 * @example
 * rememberSecret(readFileSync(path, "utf8").trim(), this);
 */
export function rememberSecret(value: string, holder?: object): void {
  const forms = formsOf(value);
  if (holder === undefined) return retire(forms);
  const before = held.get(holder);
  if (before !== undefined && before[before.length - 1] === value) return;
  if (before !== undefined) {
    collected.unregister(holder);
    release(before);
    retire(before);
    held.delete(holder);
  }
  if (forms.length === 0) return;
  held.set(holder, forms);
  generation++;
  for (const form of forms) holding.set(form, (holding.get(form) ?? 0) + 1);
  collected.register(holder, forms, holder);
}

/**
 * `text` with every remembered secret replaced by `[redacted]`.
 *
 * @example
 * censorSecrets('{"msg":"failed with token s3cr3t-t0ken"}'); // '{"msg":"failed with token [redacted]"}'
 */
export function censorSecrets(text: string): string {
  if (holding.size === 0 && retired.size === 0) return text;
  let out = text;
  for (const value of longestFirst()) if (out.includes(value)) out = out.split(value).join(CENSORED);
  return out;
}

/** Every value censored now, the longest first (at `generation` `orderedAt`). */
let ordered: string[] = [];
let orderedAt = -1;

/**
 * The values to censor, the longest first: a secret that holds a shorter one (a token whose
 * prefix is another secret) is replaced whole, not left showing its rest (`[redacted]-value-42`).
 * What is censored changes only with `generation` (a value released is retired in the same step).
 */
function longestFirst(): readonly string[] {
  if (orderedAt !== generation) {
    ordered = [...new Set([...holding.keys(), ...[...retired.values()].flat()])].sort((a, b) => b.length - a.length);
    orderedAt = generation;
  }
  return ordered;
}

/** Whether a handler has been handed a secret's value: then it may put it in what it answers. */
let handedToHandler = false;

/**
 * Note that a handler was handed a secret's value (remembered already): from now on, answers
 * are censored too.
 *
 * @example
 * secretHandedToHandler(); return value;
 */
export function secretHandedToHandler(): void {
  handedToHandler = true;
}

/** Whether answers are censored: a handler has been handed a secret. */
export function answersCensored(): boolean {
  return handedToHandler;
}

/**
 * `text`, part of an answer, with every remembered secret replaced by `[redacted]` once a handler
 * has been handed a secret; `text` itself until then.
 *
 * @example
 * io.stdout(`${censorAnswer(output)}\n`);
 */
export function censorAnswer(text: string): string {
  return handedToHandler ? censorSecrets(text) : text;
}

/**
 * A number that changes whenever a value is remembered: a text `censorSecrets` cleaned while it
 * was the same number is still clean (what the access log uses to censor a repeated path once).
 */
export function censorGeneration(): number {
  return generation;
}

/** How many distinct values are censored now (those held, and the replaced ones kept): diagnostics and tests. */
export function rememberedCount(): number {
  let forms = 0;
  for (const kept of retired.values()) forms += kept.length;
  return holding.size + forms;
}
