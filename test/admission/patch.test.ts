/**
 * A mutating webhook's JSONPatch (admission/patch, admission/array-diff) turns the request's
 * object into the handler's: checked on seeded random pairs of JSON values (keys with `/` and `~`
 * among them) with rfc6902's applyPatch and with the emulated API server's (evanphx's rules), and
 * on long arrays, which the patch is built for without an edit-distance search over every item:
 * each of 5,000 items changed, 20,000 unchanged items beside a new label, an item added to or
 * taken from a long array, and long arrays of different lengths.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { applyPatch } from "rfc6902";
import { jsonPatch as applyAsApiServer } from "../../runtime/testing/cluster/json-patch.js";
import { jsonPatch, type JsonPatchOperation } from "../../runtime/admission/patch.js";
import { decideReview } from "../../runtime/admission/decide.js";
import { captureLogs } from "../schedule/helpers.js";
import { fakeKube } from "../http/helpers.js";
import { loadedAdmission, reviewOf } from "./helpers.js";

/** `before` patched by `operations`, by both appliers; they must agree. */
function applied(before: unknown, operations: JsonPatchOperation[]): unknown {
  const copy = structuredClone(before);
  const failures = applyPatch(copy, structuredClone(operations)).filter((r) => r !== null);
  assert.deepEqual(failures, [], JSON.stringify(operations));
  assert.deepEqual(applyAsApiServer(before, JSON.parse(JSON.stringify(operations))), copy);
  return copy;
}

function assertPatches(before: unknown, after: unknown): JsonPatchOperation[] {
  const operations = jsonPatch(before, after);
  assert.deepEqual(applied(before, operations), after, JSON.stringify({ before, after, operations }));
  return operations;
}

/** mulberry32: the same values every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ["a", "b", "name", "a/b", "~", "~1", "x~0/y", "", "0", "-"];

function generator(next: () => number) {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const scalar = () => pick([null, true, false, 0, 1, 2.5, "", "x", "y", "a/b"]);
  const value = (depth: number): unknown => {
    const roll = next();
    if (depth <= 0 || roll < 0.4) return scalar();
    if (roll < 0.7) return Array.from({ length: Math.floor(next() * 6) }, () => value(depth - 1));
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [pick(KEYS), value(depth - 1)]));
  };
  /** `v` with a few random changes at any depth. */
  const mutate = (v: unknown, depth: number): unknown => {
    if (Array.isArray(v)) {
      const out = v.map((item) => (next() < 0.3 ? mutate(item, depth - 1) : item));
      const roll = next();
      if (roll < 0.2) out.splice(Math.floor(next() * (out.length + 1)), 0, value(depth - 1));
      else if (roll < 0.4 && out.length > 0) out.splice(Math.floor(next() * out.length), 1);
      else if (roll < 0.45) out.reverse();
      return out;
    }
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) if (next() > 0.15) out[k] = next() < 0.3 ? mutate(item, depth - 1) : item;
      if (next() < 0.3) out[pick(KEYS)] = value(depth - 1);
      return out;
    }
    return next() < 0.5 ? v : value(depth);
  };
  return { value, mutate };
}

describe("the patch gives the handler's object", () => {
  test("on 2,000 seeded random pairs (a value and a change of it, or two unrelated values)", () => {
    const next = random(6902);
    const { value, mutate } = generator(next);
    for (let n = 0; n < 2000; n++) {
      const before = { spec: value(4) };
      const after = n % 4 === 3 ? { spec: value(4) } : (mutate(before, 5) as Record<string, unknown>);
      assertPatches(before, after);
    }
  });

  test("on 300 seeded pairs of long arrays (items kept, changed, added, removed in runs; any path of the array diff)", () => {
    const next = random(1902);
    const { value, mutate } = generator(next);
    for (let n = 0; n < 300; n++) {
      const list = Array.from({ length: Math.floor(next() * 300) }, () => value(2));
      const changed: unknown[] = [];
      for (let i = 0; i < list.length; ) {
        const run = 1 + Math.floor(next() * 40);
        const roll = next();
        if (roll < 0.4) changed.push(...list.slice(i, i + run));
        else if (roll < 0.6) changed.push(...list.slice(i, i + run).map((item) => mutate(item, 2)));
        else if (roll < 0.8) changed.push(...Array.from({ length: run }, () => value(2)), ...list.slice(i, i + run));
        i += run;
      }
      assertPatches({ list }, { list: changed });
    }
  });

  test("keys with / and ~ are escaped (~1, ~0)", () => {
    const operations = assertPatches({ m: { "a/b": 1, "~c": [1] } }, { m: { "a/b": 2, "~c": [1, 2] } });
    assert.deepEqual(operations, [
      { op: "replace", path: "/m/a~1b", value: 2 },
      { op: "add", path: "/m/~0c/-", value: 2 },
    ]);
  });

  test("a container added in the middle is one add; one changed is its field's replace", () => {
    const containers = [{ name: "a", image: "1" }, { name: "b", image: "1" }, { name: "c", image: "1" }];
    assert.deepEqual(assertPatches({ containers }, { containers: [containers[0], { name: "s", image: "2" }, ...containers.slice(1)] }), [
      { op: "add", path: "/containers/1", value: { name: "s", image: "2" } },
    ]);
    assert.deepEqual(assertPatches({ containers }, { containers: [containers[0], { name: "b", image: "2" }, containers[2]] }), [
      { op: "replace", path: "/containers/1/image", value: "2" },
    ]);
  });

  test("arrays of different lengths with a long middle that differs are replaced whole", () => {
    const before = { list: Array.from({ length: 300 }, (_, i) => i) };
    const after = { list: Array.from({ length: 200 }, (_, i) => 1000 + i) };
    assert.deepEqual(assertPatches(before, after), [{ op: "replace", path: "/list", value: after.list }]);
  });

  test("the edit distances of one patch share one budget: past it, further arrays are replaced whole (an object of many arrays stays near its size)", () => {
    // 60 arrays whose middles differ by 50 × 49 items: 2,450 cells each, 100,000 in all.
    const arrays = (shift: number, length: number) => Array.from({ length: 60 }, (_, a) => Array.from({ length }, (_, i) => `${a}-${i + shift}`));
    const before = { lists: arrays(0, 50) };
    const after = { lists: arrays(1000, 49) };
    const operations = assertPatches(before, after);
    const replaced = operations.filter((o) => o.op === "replace" && /^\/lists\/\d+$/.test(o.path)).map((o) => Number(o.path.split("/")[2]));
    // 100,000 / 2,450: the first 40 fit, the other 20 are replaced.
    assert.deepEqual(replaced, Array.from({ length: 20 }, (_, i) => 40 + i));
  });

  test("an item added to, or taken from, the middle of a 5,000-item array is one operation", () => {
    const list = Array.from({ length: 5000 }, (_, i) => ({ name: `h${i}` }));
    assert.deepEqual(assertPatches({ list }, { list: [...list.slice(0, 2500), { name: "new" }, ...list.slice(2500)] }), [{ op: "add", path: "/list/2500", value: { name: "new" } }]);
    assert.deepEqual(assertPatches({ list }, { list: [...list.slice(0, 2500), ...list.slice(2501)] }), [{ op: "remove", path: "/list/2500" }]);
  });
});

describe("a mutating webhook's review of an object holding a long array", () => {
  const options = { kube: fakeKube().kube, logger: captureLogs().logger };
  const labeler = loadedAdmission({
    name: "labeler",
    admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "deployments.apps" }] },
    handler: ({ trigger }) => {
      const o = trigger.request.object!;
      return { allowed: true, object: { ...o, metadata: { ...o.metadata, labels: { owner: "x" } } } };
    },
  });
  const tagger = loadedAdmission({
    name: "tagger",
    admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "deployments.apps" }] },
    handler: ({ trigger }) => {
      const o = trigger.request.object as any;
      return { allowed: true, object: { ...o, spec: { ...o.spec, items: o.spec.items.map((i: object) => ({ ...i, tag: "x" })) } } };
    },
  });
  const patchOf = (body: unknown) => JSON.parse(Buffer.from((body as any).response.patch, "base64").toString("utf8")) as JsonPatchOperation[];

  test("20,000 unchanged strings and a label added: the label's add alone", async () => {
    const object = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { hosts: Array.from({ length: 20000 }, (_, i) => `h${i}`) } };
    const answer = await decideReview(labeler, reviewOf(object), "r1", options);
    assert.equal(answer.outcome, "patched", JSON.stringify(answer.body).slice(0, 500));
    assert.deepEqual(patchOf(answer.body), [{ op: "add", path: "/metadata/labels", value: { owner: "x" } }]);
  });

  test("a field added to each of 5,000 items: an add per item, which applies", async () => {
    const object = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { items: Array.from({ length: 5000 }, (_, i) => ({ name: `h${i}` })) } };
    const answer = await decideReview(tagger, reviewOf(object), "r2", options);
    assert.equal(answer.outcome, "patched", JSON.stringify(answer.body).slice(0, 500));
    const operations = patchOf(answer.body);
    assert.equal(operations.length, 5000);
    assert.deepEqual(operations[4999], { op: "add", path: "/spec/items/4999/tag", value: "x" });
    assert.deepEqual(applied(object, operations), { ...object, spec: { items: object.spec.items.map((i) => ({ ...i, tag: "x" })) } });
  });
});
