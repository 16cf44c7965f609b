import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { createTokenIssuer } from "../../../runtime/testing/cluster/auth/index.js";
import { fixture, ROBOT } from "./helpers.js";

const claimsFixture = fixture("token-claims") as unknown as { header: Record<string, unknown>; payload: Record<string, unknown> };
const tokenRequestFixture = fixture("tokenrequest");
const NOW = Date.parse("2026-11-28T20:28:38Z");

test("a minted token has the real server's header and claims, in the same order", async () => {
  const issuer = await createTokenIssuer({ now: () => NOW });
  const { token, expirationTimestamp } = await issuer.mint({ ...ROBOT, expirationSeconds: 3600 });
  const header = decodeProtectedHeader(token);
  const payload = decodeJwt(token);
  assert.deepEqual(Object.keys(header), Object.keys(claimsFixture.header));
  assert.equal(header.alg, "RS256");
  assert.match(String(header.kid), /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(Object.keys(payload), Object.keys(claimsFixture.payload));
  const expected = { ...claimsFixture.payload, jti: payload.jti };
  assert.deepEqual(payload, expected);
  assert.match(String(payload.jti), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const status = tokenRequestFixture.response.body.status as { expirationTimestamp: string };
  assert.equal(expirationTimestamp, status.expirationTimestamp);
});

test("verify returns the identity and audiences of a valid token", async () => {
  const issuer = await createTokenIssuer();
  const { token } = await issuer.mint({ ...ROBOT, audiences: ["vault", "api"] });
  const verified = await issuer.verify(token);
  assert.ok(verified);
  assert.equal(verified.namespace, "golden");
  assert.equal(verified.name, "robot");
  assert.equal(verified.uid, ROBOT.uid);
  assert.deepEqual(verified.audiences, ["vault", "api"]);
  assert.equal(verified.claims.sub, "system:serviceaccount:golden:robot");
});

test("a token bound to a pod carries the pod's name and uid", async () => {
  const issuer = await createTokenIssuer();
  const { token } = await issuer.mint({ ...ROBOT, boundObject: { kind: "Pod", name: "worker-0", uid: "p-1" } });
  assert.deepEqual(decodeJwt(token)["kubernetes.io"], {
    namespace: "golden",
    pod: { name: "worker-0", uid: "p-1" },
    serviceaccount: { name: "robot", uid: ROBOT.uid },
  });
  assert.ok(await issuer.verify(token));
});

test("a token is refused once expired (beyond a minute of leeway) and before it is valid, saying which", async () => {
  let now = NOW;
  const issuer = await createTokenIssuer({ now: () => now });
  const { token } = await issuer.mint({ ...ROBOT, expirationSeconds: 600 });
  now = NOW + 600_000 + 59_000;
  assert.equal((await issuer.verify(token))?.timeError, undefined);
  now = NOW + 600_000 + 61_000;
  assert.equal((await issuer.verify(token))?.timeError, "service account token has expired");
  now = NOW - 61_000;
  assert.equal((await issuer.verify(token))?.timeError, "service account token is not valid yet");
});

test("a token signed by another issuer, tampered with, or malformed is refused", async () => {
  const issuer = await createTokenIssuer();
  const stranger = await createTokenIssuer();
  const { token: foreign } = await stranger.mint(ROBOT);
  assert.equal(await issuer.verify(foreign), null);

  const { token } = await issuer.mint(ROBOT);
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>;
  claims.sub = "system:serviceaccount:golden:admin";
  const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
  assert.equal(await issuer.verify(forged), null);

  assert.equal(await issuer.verify("garbage"), null);
  assert.equal(await issuer.verify(`${header}.${payload}.`), null);
});
