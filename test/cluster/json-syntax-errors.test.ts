/**
 * A body that is not JSON is refused in the words of Go's encoding/json scanner (what the API
 * server's decoders report), whatever the syntax error: not only an unexpected end, and not
 * `JSON.parse`'s position turned into "looking for beginning of value" everywhere.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

let t: TestCluster;
before(async () => {
  t = await testCluster();
});
after(() => t.close());

const PREFIX = "the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: ";

test("a ConfigMap create whose body Go's scanner refuses gets the scanner's error", async () => {
  const cases: Array<[string, string]> = [
    ['{"kind":"ConfigMap","metadata":{"name" "x"}}', `invalid character '"' after object key`],
    ['{"kind":"ConfigMap","data":{"a":}}', "invalid character '}' looking for beginning of value"],
    ['{"kind":"ConfigMap",}', "invalid character '}' looking for beginning of object key string"],
    ['{"kind":"ConfigMap" "data":{}}', `invalid character '"' after object key:value pair`],
    ['{"kind":"ConfigMap","data":{"a":tru}}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"kind":"ConfigMap"}}', "invalid character '}' after top-level value"],
    ['{"kind":"ConfigMap"', "unexpected end of JSON input"],
  ];
  for (const [body, error] of cases) {
    const answer = await t.send("POST", "/api/v1/namespaces/default/configmaps", { body, contentType: "application/json" });
    assert.equal(answer.status, 400, body);
    assert.equal(answer.body.message, `${PREFIX}${error} (${body})`, body);
  }
});
