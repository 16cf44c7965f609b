/**
 * Size limits as 1.32 enforces them: a ConfigMap's or Secret's values 1 MiB together (binary
 * values counted decoded), an object's annotations 256 KiB, a request body 3 MiB (413 before
 * any decoding). Messages are 1.32's `field.TooLong` ("may not be more than N bytes", no value).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const MiB = 1024 * 1024;
const CMS = "/api/v1/namespaces/default/configmaps";
const cm = (name: string, rest: object) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, ...rest });

describe("size limits", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("a ConfigMap's values may hold 1 MiB together; one byte more is TooLong at [] (the whole object)", async () => {
    assert.equal((await t.send("POST", CMS, { body: cm("exactly", { data: { a: "x".repeat(MiB - 10), b: "y".repeat(10) } }) })).status, 201);
    const over = await t.send("POST", CMS, { body: cm("over", { data: { a: "x".repeat(MiB - 10), b: "é".repeat(6) } }) });
    assert.equal(over.status, 422);
    assert.equal(over.body.message, 'ConfigMap "over" is invalid: []: Too long: may not be more than 1048576 bytes');
    assert.deepEqual(over.body.details.causes, [{ reason: "FieldValueTooLong", message: "Too long: may not be more than 1048576 bytes", field: "[]" }]);
    // binaryData counts its decoded bytes: 768 KiB decoded (1 MiB as base64) plus 256 KiB of data fits.
    const binary = Buffer.alloc(768 * 1024, 1).toString("base64");
    assert.equal((await t.send("POST", CMS, { body: cm("binary", { binaryData: { bin: binary }, data: { a: "x".repeat(256 * 1024) } }) })).status, 201);
    const binaryOver = await t.send("POST", CMS, { body: cm("binary-over", { binaryData: { bin: binary }, data: { a: "x".repeat(256 * 1024 + 1) } }) });
    assert.equal(binaryOver.status, 422);
    // An update is held to it too.
    const grown = await t.send("PATCH", `${CMS}/exactly`, { body: { data: { c: "z" } }, contentType: "application/merge-patch+json" });
    assert.equal(grown.body.message, 'ConfigMap "exactly" is invalid: []: Too long: may not be more than 1048576 bytes');
  });

  test("a data key also in binaryData is a duplicate, reported at data[key]", async () => {
    const dup = await t.send("POST", CMS, { body: cm("dup", { data: { same: "a" }, binaryData: { same: "YQ==" } }) });
    assert.equal(dup.status, 422);
    assert.equal(dup.body.message, 'ConfigMap "dup" is invalid: data[same]: Invalid value: "same": duplicate of key present in binaryData');
  });

  test("a Secret's data (stringData merged in) may hold 1 MiB; over it, TooLong at data", async () => {
    const path = "/api/v1/namespaces/default/secrets";
    const secret = (name: string, size: number) => ({ apiVersion: "v1", kind: "Secret", metadata: { name }, stringData: { key: "s".repeat(size) } });
    assert.equal((await t.send("POST", path, { body: secret("fits", MiB) })).status, 201);
    const over = await t.send("POST", path, { body: secret("over", MiB + 1) });
    assert.equal(over.status, 422);
    assert.equal(over.body.message, 'Secret "over" is invalid: data: Too long: may not be more than 1048576 bytes');
    assert.ok(!over.text.includes("sss"), "the value is not echoed");
  });

  test("annotations may hold 256 KiB (keys and values); over it, TooLong at metadata.annotations, on create and update", async () => {
    const annotated = (name: string, size: number) => cm(name, { metadata: { name, annotations: { "example.com/note": "n".repeat(size - "example.com/note".length) } } });
    assert.equal((await t.send("POST", CMS, { body: annotated("note", 256 * 1024) })).status, 201);
    const over = await t.send("POST", CMS, { body: annotated("note-over", 256 * 1024 + 1) });
    assert.equal(over.status, 422);
    assert.equal(over.body.message, 'ConfigMap "note-over" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes');
    const grown = await t.send("PATCH", `${CMS}/note`, { body: { metadata: { annotations: { b: "1" } } }, contentType: "application/merge-patch+json" });
    assert.equal(grown.status, 422);
    assert.equal(grown.body.details.causes[0].field, "metadata.annotations");
  });

  test("a request body over 3 MiB is 413 RequestEntityTooLarge, whatever it holds; the connection serves on", async () => {
    const body = JSON.stringify(cm("huge", { data: { a: "x".repeat(3 * MiB) } }));
    const answer = await t.send("POST", CMS, { body });
    assert.equal(answer.status, 413);
    assert.deepEqual(answer.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Request entity too large: limit is 3145728", reason: "RequestEntityTooLarge", code: 413 });
    const notJson = await t.send("PUT", `${CMS}/exactly`, { body: "{".repeat(3 * MiB + 1) });
    assert.equal(notJson.status, 413, "the size is checked before the body is decoded");
    assert.equal((await t.send("GET", `${CMS}/exactly`)).status, 200);
  });
});
