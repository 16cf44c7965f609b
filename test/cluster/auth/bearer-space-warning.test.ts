/**
 * `Authorization: Bearer  <token>` (two spaces) is no credential: the request goes on as
 * anonymous, and every answer after authentication carries bearertoken.go's warning, as the
 * warning recorder (outside authentication in the handler chain) writes it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "../helpers.js";

const WARNING = '299 - "the provided Authorization header contains extra space before the bearer token, and is ignored"';

let t: TestCluster;
let spaced: string;
before(async () => {
  t = await testCluster({ port: 0 });
  // The helper writes `Bearer ${token}`: a leading space makes it two.
  spaced = ` ${t.cluster.adminToken}`;
});
after(() => t.close());

test("refused as anonymous, with the warning", async () => {
  const refused = await t.send("GET", "/api/v1/namespaces/default/pods", { token: spaced });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.message, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"');
  assert.equal(refused.headers.warning, WARNING);
});

test("what anonymous may read is answered, with the warning", async () => {
  const version = await t.send("GET", "/version", { token: spaced });
  assert.equal(version.status, 200);
  assert.equal(version.headers.warning, WARNING);
  const admin = await t.send("GET", "/version");
  assert.equal(admin.headers.warning, undefined);
});
