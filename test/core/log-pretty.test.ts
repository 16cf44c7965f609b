/**
 * `podfn dev`'s readable log lines: one line per entry whatever a logged value holds, so a
 * caller cannot forge a line (a newline in a request path) or restyle the terminal (an ANSI
 * escape); a stack keeps its own lines.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatPretty } from "../../runtime/log-pretty.js";

const entry = (fields: Record<string, unknown>) => JSON.stringify({ level: "info", time: "2026-11-29T19:00:00.000Z", pid: 1, ...fields });

test("control characters in a message or a field are shown escaped: the entry stays one line", () => {
  const out = formatPretty(entry({ msg: "request", path: "/x\n19:00:00 ERROR forged fn=admin", status: 404, tint: "\u001b[31mred", sep: "a\u2028b", "k\r": 1 }));
  assert.equal(out, "19:00:00 INFO  request  path=/x\\n19:00:00 ERROR forged fn=admin status=404 tint=\\x1b[31mred sep=a\\u2028b k\\r=1\n");
  assert.equal(out.split("\n").length, 2, "one line and its end");
});

test("a stack keeps its lines; a control character inside one does not start another", () => {
  const out = formatPretty(entry({ level: "error", msg: "boom", err: { stack: "Error: bad\u001b[2J\n    at f (x.ts:1:1)" } }));
  assert.equal(out, "19:00:00 ERROR boom\nError: bad\\x1b[2J\n    at f (x.ts:1:1)\n");
});
