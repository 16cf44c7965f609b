/**
 * Mutating webhooks with reinvocationPolicy IfNeeded are called once more, as 1.32's mutating
 * dispatcher reinvokes them: when a webhook after them changed the object in the first round
 * (even if a later one changed it back), not for their own change, and only once.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Harness } from "../../runtime/testing/index.js";
import { startHookServer, type HookServer } from "./hook-server.js";

type Obj = Record<string, any>;
let h: Harness;
let hook: HookServer;
let ca: string;
/** The calls made, as `<path>:<the object's data keys>`. */
const calls: string[] = [];
/** The JSON Patch each path answers with (none: no patch). */
let patches: Record<string, Obj[]> = {};

before(async () => {
  h = await startHarness();
  hook = await startHookServer(h, (review, url) => {
    const path = url.split("?")[0]!;
    calls.push(`${path}:${Object.keys(review.request.object.data ?? {}).join(",")}`);
    const ops = patches[path];
    return { uid: review.request.uid, allowed: true, ...(ops ? { patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(ops)).toString("base64") } : {}) };
  });
  ca = hook.ca;
});
after(async () => {
  hook?.close();
  await h?.stop();
});

/** Creates a ConfigMap (data `a`) through mutating webhooks at `paths`, in order (`!` after a path: IfNeeded); the calls made. */
async function created(name: string, paths: string[]): Promise<string[]> {
  const webhooks = paths.map((p) => ({
    name: `${p.replace(/\W/g, "")}.example.com`,
    clientConfig: { service: { name: "hook", namespace: "hooks", path: p.replace("!", "") }, caBundle: Buffer.from(ca).toString("base64") },
    rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }],
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    reinvocationPolicy: p.endsWith("!") ? "IfNeeded" : "Never",
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "default" } },
  }));
  const path = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";
  await h.admin.request({ method: "POST", path, body: { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "order" }, webhooks } });
  calls.length = 0;
  try {
    await h.admin.with({ namespace: "default" }).configMaps.create({ metadata: { name }, data: { a: "1" } });
    return [...calls];
  } finally {
    await h.admin.request({ method: "DELETE", path: `${path}/order` });
  }
}

test("an IfNeeded webhook is called again after a later one changed the object, and sees the change", async () => {
  patches = { "/b": [{ op: "add", path: "/data/b", value: "1" }] };
  assert.deepEqual(await created("r1", ["/a!", "/b"]), ["/a:a", "/b:a", "/a:a,b"]);
});

test("its own change does not call it again, nor does a webhook's before it", async () => {
  patches = { "/a": [{ op: "add", path: "/data/x", value: "1" }] };
  assert.deepEqual(await created("r2", ["/a!", "/b"]), ["/a:a", "/b:a,x"]);
  patches = { "/b": [{ op: "add", path: "/data/b", value: "1" }] };
  assert.deepEqual(await created("r3", ["/b", "/a!"]), ["/b:a", "/a:a,b"]);
});

test("a change a later webhook undoes still calls it again: a change happened after it", async () => {
  patches = { "/b": [{ op: "add", path: "/data/b", value: "1" }], "/c": [{ op: "remove", path: "/data/b" }] };
  assert.deepEqual(await created("r4", ["/a!", "/b", "/c"]), ["/a:a", "/b:a", "/c:a,b", "/a:a"]);
});
