import { test } from "node:test";
import assert from "node:assert/strict";
import { createAuthenticator, createTokenIssuer } from "../../../runtime/testing/cluster/auth/index.js";
import type { TokenIssuer } from "../../../runtime/testing/cluster/auth/index.js";
import { ROBOT } from "./helpers.js";

const ADMIN_TOKEN = "admin-secret-token-0123456789";

async function setup(existing = new Set([`${ROBOT.namespace}/${ROBOT.name}/${ROBOT.uid}`])) {
  const issuer: TokenIssuer = await createTokenIssuer();
  const authn = createAuthenticator({
    issuer,
    adminToken: ADMIN_TOKEN,
    serviceAccountUid: (ns, name) => [...existing].find((e) => e.startsWith(`${ns}/${name}/`))?.split("/")[2],
  });
  return { issuer, authn, existing };
}

test("the admin token authenticates a system:masters user", async () => {
  const { authn } = await setup();
  assert.deepEqual(await authn.authenticate(`Bearer ${ADMIN_TOKEN}`), {
    username: "system:admin",
    groups: ["system:masters", "system:authenticated"],
  });
});

test("a ServiceAccount token authenticates its ServiceAccount with the real groups and extra", async () => {
  const { issuer, authn } = await setup();
  const { token } = await issuer.mint(ROBOT);
  const jti = (await issuer.verify(token))?.claims.jti;
  assert.deepEqual(await authn.authenticate(`Bearer ${token}`), {
    username: "system:serviceaccount:golden:robot",
    uid: ROBOT.uid,
    groups: ["system:serviceaccounts", "system:serviceaccounts:golden", "system:authenticated"],
    extra: { "authentication.kubernetes.io/credential-id": [`JTI=${String(jti)}`] },
  });
});

test("a pod-bound token adds the pod's name and uid to extra", async () => {
  const { issuer, authn } = await setup();
  const { token } = await issuer.mint({ ...ROBOT, boundObject: { kind: "Pod", name: "worker-0", uid: "pod-uid-1" } });
  const user = await authn.authenticate(`Bearer ${token}`);
  assert.ok(typeof user === "object");
  assert.deepEqual(user.extra?.["authentication.kubernetes.io/pod-name"], ["worker-0"]);
  assert.deepEqual(user.extra?.["authentication.kubernetes.io/pod-uid"], ["pod-uid-1"]);
});

test("no credentials, another scheme or an empty bearer token is anonymous", async () => {
  const { authn } = await setup();
  assert.equal(await authn.authenticate(undefined), "anonymous");
  assert.equal(await authn.authenticate(""), "anonymous");
  assert.equal(await authn.authenticate("Basic dXNlcjpwYXNz"), "anonymous");
  assert.equal(await authn.authenticate("Bearer"), "anonymous");
  assert.equal(await authn.authenticate("Bearer  x"), "anonymous");
});

test("a space before the bearer token is anonymous with bearertoken.go's warning; an empty token without one is not warned of", async () => {
  const { authn } = await setup();
  const warned = async (header: string) => {
    const warnings: string[] = [];
    return { who: await authn.authenticate(header, (text) => warnings.push(text)), warnings };
  };
  assert.deepEqual(await warned(`Bearer  ${ADMIN_TOKEN}`), { who: "anonymous", warnings: ["the provided Authorization header contains extra space before the bearer token, and is ignored"] });
  assert.deepEqual(await warned("Bearer "), { who: "anonymous", warnings: [] }, "trimmed: no token, no space before one");
  assert.deepEqual((await warned(`Bearer ${ADMIN_TOKEN} extra`)).warnings, []);
});

test("a bad token, a token of a deleted or recreated ServiceAccount, or one for another audience is invalid", async () => {
  const { issuer, authn, existing } = await setup();
  assert.equal(await authn.authenticate("Bearer garbage"), "invalid");
  assert.equal(await authn.authenticate(`bearer ${ADMIN_TOKEN}x`), "invalid");

  const { token: otherAudience } = await issuer.mint({ ...ROBOT, audiences: ["vault"] });
  assert.equal(await authn.authenticate(`Bearer ${otherAudience}`), "invalid");

  const { token } = await issuer.mint(ROBOT);
  assert.equal(typeof (await authn.authenticate(`Bearer ${token}`)), "object");
  existing.clear();
  assert.equal(await authn.authenticate(`Bearer ${token}`), "invalid");
  existing.add(`${ROBOT.namespace}/${ROBOT.name}/another-uid`);
  assert.equal(await authn.authenticate(`Bearer ${token}`), "invalid");
});

test("authenticateToken checks the requested audiences and answers the ones accepted", async () => {
  const { issuer, authn } = await setup();
  const { token } = await issuer.mint({ ...ROBOT, audiences: ["vault", "api"] });
  assert.deepEqual(await authn.authenticateToken(token, ["api", "other"]).then((r) => ("audiences" in r ? r.audiences : r)), ["api"]);
  // Refused in jwt.go's words: Go's %q of each audience list.
  assert.deepEqual(await authn.authenticateToken(token, ["other"]), { error: 'token audiences ["vault" "api"] is invalid for the target audiences ["other"]' });
  assert.deepEqual(await authn.authenticateToken(token), { error: 'token audiences ["vault" "api"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]' });
});
