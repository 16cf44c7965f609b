import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseListBody } from "../../runtime/kube/list-body.js";

/** Every item and the head of a lazily parsed body, as plain values. */
function whole(text: string): { head: Record<string, unknown>; items: unknown[] } {
  const list = parseListBody(Buffer.from(text, "utf8"));
  return { head: list.head, items: Array.from({ length: list.length }, (_, i) => list.item(i)) };
}

/** What JSON.parse makes of the body, split the same way. */
function expected(text: string): { items: unknown[]; rest: Record<string, unknown> } {
  const { items, ...rest } = JSON.parse(text) as { items: unknown[] };
  return { items, rest };
}

const TRICKY = [
  '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"12","continue":"abc"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}',
  // strings holding quotes, backslashes, brackets and braces; escapes before a closing quote
  String.raw`{"items":[{"s":"a \"quoted\" ] } [ {","t":"ends with a backslash \\"},{"u":"\\\"x\\\\","v":"\u00e9\ud83d\ude00"}],"metadata":{}}`,
  // multi-byte UTF-8 text, numbers, literals and nested arrays as items
  '{"metadata":{"continue":""},"items":[{"name":"café ☕ 😀 日本"},1,-2.5e3,true,false,null,"x",[1,[2,{"a":[]}]],{}]}',
  // pretty-printed, items first, CRLF and tabs
  '{\r\n\t"items" : [\r\n  { "a" : 1 } ,\n  { "b" : [ 2 , 3 ] }\n ] ,\n "metadata" : { "resourceVersion" : "7" } ,\n "kind" : "List"\n}\n',
  // the key written with an escape still names items
  '{"item\\u0073":[{"a":1}],"metadata":{}}',
  // empty items, with and without space
  '{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[]}',
  '{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[ \n ]}',
];

describe("parseListBody", () => {
  test("gives the same head and items as JSON.parse, item by item", () => {
    for (const text of TRICKY) {
      const { head, items } = whole(text);
      const want = expected(text);
      assert.deepEqual(items, want.items, text);
      const { items: _ignored, ...rest } = head;
      assert.deepEqual(rest, want.rest, text);
    }
  });

  test("parses an item anew on every call, so callers may change what they get", () => {
    const list = parseListBody(Buffer.from('{"items":[{"a":{"b":1}}]}'));
    const first = list.item(0) as { a: { b: number } };
    first.a.b = 2;
    assert.deepEqual(list.item(0), { a: { b: 1 } });
  });

  test("ignores a UTF-8 byte order mark as undici's text() does", () => {
    const list = parseListBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"items":[{"a":1}],"metadata":{"continue":"c"}}')]));
    assert.deepEqual(list.head.metadata, { continue: "c" });
    assert.deepEqual(list.item(0), { a: 1 });
  });

  test("bodies it cannot split are parsed whole, with JSON.parse's answer", () => {
    const cases: [string, unknown[]][] = [
      ['{"kind":"Status","metadata":{}}', []],
      ['{"items":null,"metadata":{}}', []],
      ['{"items":[{"a":1}],"items":[{"b":2}]}', [{ b: 2 }]],
      ['{"items":{"a":1}}', []],
      ["[1,2]", []],
      ["{}", []],
    ];
    for (const [text, items] of cases) {
      const list = parseListBody(Buffer.from(text));
      assert.deepEqual(list.head, JSON.parse(text), text);
      assert.deepEqual(Array.from({ length: list.length }, (_, i) => list.item(i)), items, text);
    }
  });

  test("a syntax error outside the items throws SyntaxError at once, as JSON.parse does", () => {
    for (const text of ['{"items":[{"a":1}] "metadata":{}}', '{"items":[{"a":1}],"metadata":{}} trailing', '{"items":[{"a":1} {"b":2}]}', '{"items":[1,],"metadata":{}}', '{"items":[', "", "not json", '{"metadata":{"x":}, "items":[]}']) {
      assert.throws(() => JSON.parse(text), SyntaxError, text);
      assert.throws(() => parseListBody(Buffer.from(text)), SyntaxError, text);
    }
  });

  test("an item that is not valid JSON throws SyntaxError when it is reached; the others parse", () => {
    const list = parseListBody(Buffer.from('{"metadata":{"continue":"c"},"items":[{"a":1},{"a":tru},{"a":[1}],{"a":3}]}'));
    assert.equal(list.length, 4);
    assert.deepEqual(list.head.metadata, { continue: "c" });
    assert.deepEqual(list.item(0), { a: 1 });
    assert.throws(() => list.item(1), SyntaxError);
    assert.throws(() => list.item(2), SyntaxError);
    assert.deepEqual(list.item(3), { a: 3 });
  });
});
