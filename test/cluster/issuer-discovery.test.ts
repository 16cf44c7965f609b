/**
 * ServiceAccount issuer discovery (1.32 pkg/routes/openidmetadata.go, pkg/serviceaccount/
 * openidmetadata.go): `/.well-known/openid-configuration` and `/openid/v1/jwks` are served to
 * ServiceAccounts (system:service-account-issuer-discovery is bound to system:serviceaccounts),
 * not to anonymous callers, and the served key verifies the tokens the emulator mints. Each route
 * `Produces` one type: an Accept header go-restful's `matchesAccept` refuses is its 406.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createPublicKey, createVerify } from "node:crypto";
import { testCluster, type TestCluster } from "./helpers.js";

/** A JWT's decoded header. */
function header(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()) as Record<string, unknown>;
}

describe("service account issuer discovery", () => {
  let t: TestCluster;
  let token: string;
  before(async () => {
    t = await testCluster();
    token = (await t.cluster.serviceAccount("default", "oidc-reader")).token;
  });
  after(() => t.close());

  test("the OpenID configuration: issuer, jwks_uri on the external address, the signing alg", async () => {
    const port = new URL(t.cluster.url).port;
    const res = await t.send("GET", "/.well-known/openid-configuration", { token });
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "application/json");
    assert.equal(res.headers["cache-control"], "public, max-age=3600");
    // json.Marshal of openIDMetadata: compact, in struct order.
    assert.equal(
      res.text,
      `{"issuer":"https://kubernetes.default.svc.cluster.local","jwks_uri":"https://127.0.0.1:${port}/openid/v1/jwks",` +
        `"response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}`,
    );
    assert.equal((await t.send("GET", "/.well-known/openid-configuration/", { token })).status, 200);
  });

  test("the JWKS: the signer's public key in go-jose's order, its kid the tokens' kid, and it verifies them", async () => {
    const res = await t.send("GET", "/openid/v1/jwks", { token, accept: "application/jwk-set+json" });
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "application/jwk-set+json");
    assert.equal(res.headers["cache-control"], "public, max-age=3600");
    const keys = (JSON.parse(res.text) as { keys: Record<string, string>[] }).keys;
    assert.equal(keys.length, 1);
    const jwk = keys[0]!;
    assert.deepEqual(Object.keys(jwk), ["use", "kty", "kid", "alg", "n", "e"]);
    assert.equal(jwk.use, "sig");
    assert.equal(jwk.kty, "RSA");
    assert.equal(jwk.alg, "RS256");
    assert.equal(jwk.e, "AQAB");

    const key = createPublicKey({ key: jwk, format: "jwk" });
    // keyIDFromPublicKey: unpadded base64url SHA-256 of the PKIX DER.
    const der = key.export({ type: "spki", format: "der" });
    assert.equal(jwk.kid, createHash("sha256").update(der).digest("base64url"));
    assert.deepEqual(header(token), { alg: "RS256", kid: jwk.kid });

    const [h, p, s] = token.split(".");
    const verifier = createVerify("RSA-SHA256");
    verifier.update(`${h}.${p}`);
    assert.ok(verifier.verify(key, Buffer.from(s!, "base64url")), "the served key verifies the token");
  });

  test("an Accept header naming neither the route's type nor */* is go-restful's 406", async () => {
    const notAcceptable = (type: string) => ({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: `406: Not Acceptable\n\nAvailable representations: ${type}`, reason: "NotAcceptable", details: {}, code: 406,
    });
    // [path, Accept, produced type, ErrorNegotiated's serializer found (else WriteRawJSON's indented JSON)]
    const refused: Array<[string, string, string, boolean]> = [
      ["/openid/v1/jwks", "application/json", "application/jwk-set+json", true],
      ["/openid/v1/jwks", "text/html, application/xml;q=0.9", "application/jwk-set+json", false],
      ["/.well-known/openid-configuration", "application/jwk-set+json", "application/json", false],
      // matchesAccept compares whole types: a subtype wildcard or another case is no match.
      ["/.well-known/openid-configuration", "application/*", "application/json", true],
      ["/.well-known/openid-configuration/", "Application/JSON", "application/json", false],
    ];
    for (const [path, accept, type, negotiated] of refused) {
      const res = await t.send("GET", path, { token, accept });
      assert.equal(res.status, 406, `${path} ${accept}`);
      assert.equal(res.headers["content-type"], "application/json");
      assert.equal(res.headers["cache-control"], "no-cache, private");
      assert.equal(res.text, JSON.stringify(notAcceptable(type), null, negotiated ? undefined : 2), `${path} ${accept}`);
    }
    // Parameters (q too) are dropped and spaces trimmed; */* or the exact type in any clause is enough.
    const accepted: Array<[string, string]> = [
      ["/openid/v1/jwks", "text/html, application/jwk-set+json;q=0"],
      ["/openid/v1/jwks", "text/html,  */*;q=0.1"],
      ["/.well-known/openid-configuration", "application/json;charset=utf-8"],
      ["/.well-known/openid-configuration", ""],
    ];
    for (const [path, accept] of accepted) assert.equal((await t.send("GET", path, { token, accept })).status, 200, `${path} ${accept}`);
  });

  test("anonymous callers are forbidden (only system:serviceaccounts is bound)", async () => {
    for (const path of ["/.well-known/openid-configuration", "/openid/v1/jwks"]) {
      const res = await t.send("GET", path, { token: null, accept: "*/*" });
      assert.equal(res.status, 403);
      assert.equal(res.body.message, `forbidden: User "system:anonymous" cannot get path "${path}"`);
    }
  });
});
