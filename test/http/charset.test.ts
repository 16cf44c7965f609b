/**
 * JSON is UTF-8 (RFC 8259): a body declared in another charset (`charset=latin1`) is refused
 * with 415 naming it, never decoded as UTF-8 into other characters than the caller sent (the
 * standard: bad input loses nothing); `charset=utf-8` in any spelling, and ASCII (a subset of
 * it), are accepted. A body sent with a content coding (gzip) is refused the same way.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { listenOn, loaded, postJson, testApp } from "./helpers.js";

const app = testApp([loaded({ name: "echo", input: z.object({ name: z.string() }), handler: ({ input }) => input })]);
let server: Awaited<ReturnType<typeof listenOn>>;
before(async () => {
  server = await listenOn(app.listener);
});
after(() => server.close());

const socketPost = (contentType: string, body: Buffer) => fetch(`http://127.0.0.1:${server.port}/echo`, { method: "POST", body, headers: { "content-type": contentType } });

test("a charset other than UTF-8 is a 415 naming it, through fetch and on the socket", async () => {
  const latin1 = Buffer.from('{"name":"\u00e9t\u00e9"}', "latin1");
  for (const type of ["application/json; charset=latin1", "application/json;charset=ISO-8859-1; v=1", 'application/merge-patch+json; charset="utf-16"']) {
    for (const res of [await app.fetch(postJson("/echo", { name: "x" }, { "content-type": type })), await socketPost(type, latin1)]) {
      assert.equal(res.status, 415, type);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, "unsupported_media_type");
      assert.match(body.error.message, /^charset ".+" is not supported: the body is read as UTF-8$/);
    }
  }
});

test("charset=utf-8 in any spelling, and other parameters, are accepted", async () => {
  for (const type of ["application/json; charset=utf-8", "application/json;charset=UTF8", 'application/json; charset="utf-8"', "application/json; charset=us-ascii", "application/json; profile=x"]) {
    const res = await socketPost(type, Buffer.from('{"name":"\u00e9t\u00e9"}', "utf8"));
    assert.equal(res.status, 200, type);
    assert.deepEqual(await res.json(), { name: "\u00e9t\u00e9" });
  }
});

test("a compressed body (Content-Encoding other than identity) is a 415 naming the coding, with Accept-Encoding: identity", async () => {
  const { gzipSync } = await import("node:zlib");
  const gzipped = gzipSync('{"name":"x"}');
  const viaSocket = await fetch(`http://127.0.0.1:${server.port}/echo`, { method: "POST", body: gzipped, headers: { "content-type": "application/json", "content-encoding": "gzip" } });
  const viaFetch = await app.fetch(postJson("/echo", { name: "x" }, { "content-encoding": "br" }));
  for (const [res, coding] of [[viaSocket, "gzip"], [viaFetch, "br"]] as const) {
    assert.equal(res.status, 415);
    assert.equal(res.headers.get("accept-encoding"), "identity");
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, "unsupported_media_type");
    assert.equal(body.error.message, `content encoding "${coding}" is not supported: send the body uncompressed`);
  }
  const identity = await fetch(`http://127.0.0.1:${server.port}/echo`, { method: "POST", body: '{"name":"x"}', headers: { "content-type": "application/json", "content-encoding": "Identity" } });
  assert.equal(identity.status, 200);
});

test("bytes that are not UTF-8 are a 400, never read as U+FFFD; valid UTF-8 with a BOM is read", async () => {
  for (const bytes of [Buffer.from([...Buffer.from('{"name":"caf'), 0xe9, ...Buffer.from('"}')]), Buffer.from([...Buffer.from('{"name":"'), 0xed, 0xa0, 0x80, ...Buffer.from('"}')])]) {
    for (const res of [await app.fetch(new Request("http://x/echo", { method: "POST", body: bytes, headers: { "content-type": "application/json" } })), await socketPost("application/json", bytes)]) {
      assert.equal(res.status, 400, bytes.toString("hex"));
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, "invalid_json");
      assert.match(body.error.message, /^the body is not valid UTF-8/);
    }
  }
  const bom = await socketPost("application/json", Buffer.from('\ufeff{"name":"\u00e9"}', "utf8"));
  assert.equal(bom.status, 200);
  assert.deepEqual(await bom.json(), { name: "\u00e9" });
});

test("a GET's query with an escape that is not one, or not UTF-8, is a 400 naming the key; good escapes are read", async () => {
  const get = testApp([loaded({ name: "q", method: "GET", input: z.looseObject({}), handler: ({ input }) => input })]);
  for (const [query, key] of [["a=%E0%A4%A", "a"], ["b=%zz", "b"], ["c%ff=1", "c\ufffd"], ["ok=1&d=%C3", "d"]]) {
    const res = await get.fetch(new Request(`http://x/q?${query}`));
    assert.equal(res.status, 400, query);
    const body = (await res.json()) as { error: { code: string; issues: { path: string; message: string }[] } };
    assert.equal(body.error.issues[0]!.path, key, query);
    assert.match(body.error.issues[0]!.message, /is not valid percent-encoded UTF-8/);
  }
  const good = await get.fetch(new Request("http://x/q?name=caf%C3%A9&p=50%25&s=a+b"));
  assert.deepEqual(await good.json(), { name: "caf\u00e9", p: "50%", s: "a b" });
});

test("a GET with a body is a 400 saying its input is the query, on the socket; without one it is served", async () => {
  const get = testApp([loaded({ name: "q", method: "GET", input: z.looseObject({}), handler: ({ input }) => input })]);
  const s = await listenOn(get.listener);
  try {
    const { request } = await import("node:http");
    const send = (headers: Record<string, string>, body?: string) =>
      new Promise<string>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: s.port, path: "/q?phase=Running", method: "GET", headers }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => resolve(`${res.statusCode} ${text}`));
        });
        req.on("error", reject);
        req.end(body);
      });
    assert.match(await send({ "content-type": "application/json", "content-length": "18" }, '{"phase":"Failed"}'), /^400 .*a GET function's input is its query string/);
    assert.match(await send({ "content-type": "application/json", "transfer-encoding": "chunked" }, '{"phase":"Failed"}'), /^400 /);
    assert.equal(await send({}), '200 {"phase":"Running"}');
    assert.equal(await send({ "content-length": "0" }), '200 {"phase":"Running"}');
  } finally {
    await s.close();
  }
});
