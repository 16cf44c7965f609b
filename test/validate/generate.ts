/**
 * @module test/validate/generate
 * Inputs for the fast check's differential test: a seeded random source, and mutants of a
 * valid value (one or two changes at random places: a wrong type, a boundary length or number,
 * a removed, added or `undefined` key, a hole, a non-plain object, unicode that counts
 * differently in UTF-16 units and code points).
 */

export { random } from "../helpers/random.js";

const LENGTHS = [0, 1, 2, 3, 4, 5, 35, 36, 37, 39, 40, 41, 99, 100, 101];

class Box {
  constructor(readonly a = 1) {}
}

function sparse(): unknown[] {
  const holes: unknown[] = ["a"];
  holes.length = 3;
  return holes;
}

/** Values of every kind, around the limits the test schemas use. */
function replacements(): unknown[] {
  const strings = LENGTHS.flatMap((n) => ["x".repeat(n), "😀".repeat(n), "a".repeat(Math.max(0, n - 1)) + "😀", "\ud83d".repeat(n)]);
  return [
    ...strings,
    "3f2b9c1e-7a4d-4e8b-9c2f-1a2b3c4d5e6f",
    "3F2B9C1E-7A4D-4E8B-9C2F-1A2B3C4D5E6F",
    "down", "up", "Running", "a", "b", "aaa", "aab", "refs/heads/main",
    -1, 0, -0, 1, 0.5, 1.5, 5, 6, 9.999, 10, 10.5, 100, 100.5, 1e-9, -2147483648, -2147483649, 2147483647, 2147483648,
    2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e308, NaN, Infinity, -Infinity,
    true, false, null, undefined,
    [], [1], ["a"], [undefined], sparse(), Array(25).fill("t"), Array(60).fill({ key: "k", value: "v", count: 1 }),
    {}, { a: 1 }, { k: "v" }, { key: "k", value: "v", count: 1 }, { key: "k", value: "v", count: 1.5 },
    Object.create(null) as unknown, new Box(), new Date(0), () => 1, Symbol("s"), 10n,
  ];
}

const REPLACEMENTS = replacements();
const KEYS = ["extra", "__proto__", "toString", "constructor", "a", "k", "opt", "zen", "n", "t", "key", "phase"];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

/** A deep copy (holes and undefined kept; non-plain objects made anew, never shared). */
function copy(value: unknown): unknown {
  if (value instanceof Box) return new Box(value.a);
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) if (i in value) out[i] = copy(value[i]);
    return out;
  }
  if (value && typeof value === "object") {
    const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
    for (const key of Object.keys(value)) Object.defineProperty(out, key, { value: copy((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** The containers (objects and arrays) inside `value`, itself first. */
function containers(value: unknown, out: object[] = []): object[] {
  if (value && typeof value === "object") {
    out.push(value);
    for (const key of Object.keys(value)) containers((value as Record<string, unknown>)[key], out);
  }
  return out;
}

/** One random change inside `root`; returns the new root (the root itself may be replaced). */
function mutate(root: unknown, next: () => number): unknown {
  const places = containers(root);
  if (places.length === 0 || next() < 0.05) return pick(next, REPLACEMENTS);
  const place = pick(next, places) as Record<string, unknown>;
  const keys = Object.keys(place);
  const key = keys.length && next() < 0.8 ? pick(next, keys) : Array.isArray(place) ? String(place.length) : pick(next, KEYS);
  const current = place[key];
  const roll = next();
  const set = (value: unknown) => Object.defineProperty(place, key, { value, enumerable: true, writable: true, configurable: true });
  if (roll < 0.12) delete place[key];
  else if (roll < 0.2) set(undefined);
  else if (roll < 0.3 && typeof current === "string") set(next() < 0.5 ? current + pick(next, ["x", "😀", "\ud83d", "-"]) : current.slice(1));
  else if (roll < 0.38 && typeof current === "number") set(current + pick(next, [-1, 1, 0.5, -0.5, 1e-9]));
  else if (roll < 0.44 && Array.isArray(current)) current.push(copy(pick(next, current.length ? current : REPLACEMENTS)));
  else if (roll < 0.48 && Array.isArray(current)) current.length = current.length + 1;
  else set(copy(pick(next, REPLACEMENTS)));
  return root;
}

/** `count` values derived from `seed`: the seed itself, then mutants with one or two changes. */
export function* mutants(seed: unknown, next: () => number, count: number): Generator<unknown> {
  yield copy(seed);
  for (let i = 1; i < count; i++) {
    let value = mutate(copy(seed), next);
    if (next() < 0.3) value = mutate(value, next);
    yield value;
  }
}
