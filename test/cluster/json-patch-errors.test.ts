/**
 * The error text of a JSON patch operation that fails, in gopkg.in/evanphx/json-patch.v4
 * v4.12's words (the 1.32 apiserver's: pkg/errors' Wrapf, `<what>: <cause>`). handlers/patch.go
 * drops it for a generic 422, but a mutating webhook's patch that fails is answered with it
 * (the 500 `Internal error occurred: <error>`, test/admission/call-failure-status.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { jsonPatch } from "../../runtime/testing/cluster/json-patch.js";
import { parseRawJson } from "../../runtime/testing/cluster/json-patch-test.js";

const doc = { data: { a: "1" }, list: ["x", "y"] };

/** The message `ops` fail with on `doc` (as the library's Apply returns it). */
function failure(ops: unknown[]): string {
  try {
    jsonPatch(doc, ops, parseRawJson(JSON.stringify(ops)));
  } catch (error) {
    return (error as Error).message;
  }
  return "applied";
}

test("a path that leads nowhere names the operation and the path, wrapping `missing value`", () => {
  assert.equal(failure([{ op: "add", path: "/nothing/x", value: 1 }]), 'add operation does not apply: doc is missing path: "/nothing/x": missing value');
  assert.equal(failure([{ op: "remove", path: "/nothing/x" }]), 'remove operation does not apply: doc is missing path: "/nothing/x": missing value');
  assert.equal(failure([{ op: "replace", path: "/nothing/x", value: 1 }]), "replace operation does not apply: doc is missing path: /nothing/x: missing value");
  assert.equal(failure([{ op: "move", from: "/nothing/x", path: "/data/b" }]), "move operation does not apply: doc is missing from path: /nothing/x: missing value");
  assert.equal(failure([{ op: "move", from: "/data/a", path: "/nothing/x" }]), "move operation does not apply: doc is missing destination path: /nothing/x: missing value");
  assert.equal(failure([{ op: "copy", from: "/nothing/x", path: "/data/b" }]), "copy operation does not apply: doc is missing from path: /nothing/x: missing value");
  assert.equal(failure([{ op: "copy", from: "/data/a", path: "/nothing/x" }]), "copy operation does not apply: doc is missing destination path: /nothing/x: missing value");
  assert.equal(failure([{ op: "test", path: "/nothing/x", value: 1 }]), "test operation does not apply: is missing path: /nothing/x: missing value");
});

test("a missing key to remove, or a bad or out-of-range index, is the container's error wrapped by the operation's", () => {
  assert.equal(failure([{ op: "remove", path: "/data/absent" }]), "error in remove for path: '/data/absent': Unable to remove nonexistent key: absent: missing value");
  assert.equal(failure([{ op: "move", from: "/data/absent", path: "/data/b" }]), "error in move for path: 'absent': Unable to remove nonexistent key: absent: missing value");
  assert.equal(failure([{ op: "add", path: "/list/5", value: "z" }]), "error in add for path: '/list/5': Unable to access invalid index: 5: invalid index referenced");
  assert.equal(failure([{ op: "add", path: "/list/x", value: "z" }]), `error in add for path: '/list/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`);
  assert.equal(failure([{ op: "remove", path: "/list/-3" }]), "error in remove for path: '/list/-3': Unable to access invalid index: -3: invalid index referenced");
  assert.equal(failure([{ op: "remove", path: "/list/x" }]), `error in remove for path: '/list/x': strconv.Atoi: parsing "x": invalid syntax`);
  assert.equal(failure([{ op: "replace", path: "/list/2", value: "z" }]), "replace operation does not apply: doc is missing key: /list/2: missing value");
  assert.equal(failure([{ op: "test", path: "/list/99999999999999999999", value: "z" }]), `error in test for path: '/list/99999999999999999999': strconv.Atoi: parsing "99999999999999999999": value out of range`);
  assert.equal(failure([{ op: "copy", from: "/list/2", path: "/data/b" }]), "error in copy for from: '/list/2': Unable to access invalid index: 2: invalid index referenced");
  assert.equal(failure([{ op: "move", from: "/list/-1", path: "/list/7" }]), "error in move for path: '/list/7': Unable to access invalid index: 7: invalid index referenced");
});

test("a missing or mistyped path or from, a failed test and an unknown op are worded per operation", () => {
  assert.equal(failure([{ op: "add", value: 1 }]), "add operation failed to decode path: missing value");
  assert.equal(failure([{ op: "remove", path: 5 }]), "remove operation failed to decode path: missing value");
  assert.equal(failure([{ op: "replace", value: 1 }]), "replace operation failed to decode path: operation missing path field: missing value");
  assert.equal(failure([{ op: "replace", path: 5, value: 1 }]), "replace operation failed to decode path: json: cannot unmarshal number into Go value of type string");
  assert.equal(failure([{ op: "move", path: "/data/b" }]), "move operation failed to decode from: operation, missing from field: missing value");
  assert.equal(failure([{ op: "copy", from: "/data/a", path: ["x"] }]), "copy operation failed to decode path: missing value");
  assert.equal(failure([{ op: "test", path: null, value: 1 }]), "test operation failed to decode path: operation missing path field: missing value");
  assert.equal(failure([{ op: "test", path: "/data/a", value: "2" }]), "testing value /data/a failed: test failed");
  assert.equal(failure([{ op: "merge", path: "/data/a" }]), "Unexpected kind: merge");
  assert.equal(failure([{ path: "/data/a" }]), "Unexpected kind: unknown");
});
