/**
 * Replays the requests recorded against a real kube-apiserver 1.32 (test/fixtures/kube-apiserver-1.32,
 * in their recorded order) and compares status, content type and body, ignoring what differs by
 * nature (uids, resourceVersions, timestamps, tokens, random name suffixes, managedFields).
 * Setup the recording did off the record (two more pods, scaling `web` to 2) is replayed here.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fixture, pod, testCluster, type Answer, type Fixture, type TestCluster } from "./helpers.js";

const ORDER = readFileSync(new URL("../fixtures/kube-apiserver-1.32/INDEX.txt", import.meta.url), "utf8")
  .split("\n")
  .map((l) => l.split(":")[0]!.trim())
  .filter(Boolean);

/** Replayed elsewhere (discovery.test.ts, watch.test.ts) or not a request. */
const ELSEWHERE = new Set(["watch-configmaps", "watch-pods-from-zero", "token-claims"]);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const VOLATILE = new Set(["resourceVersion", "creationTimestamp", "deletionTimestamp", "managedFields", "expirationTimestamp", "token", "time"]);

function normalize(value: unknown): unknown {
  const text = JSON.stringify(value)
    .replace(UUID, "<uid>")
    .replace(/kube-api-access-[a-z0-9]{5}/g, "kube-api-access-<x>")
    .replace(/JTI=[^"]+/g, "JTI=<jti>");
  return strip(JSON.parse(text));
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (VOLATILE.has(k)) continue;
      if (k === "continue") out[k] = "<continue>";
      else if (k === "name" && typeof v === "string" && (value as Record<string, unknown>).generateName) out[k] = `${(value as Record<string, unknown>).generateName}<x>`;
      else if ((k === "resourceRules" || k === "nonResourceRules") && Array.isArray(v)) out[k] = v.map(strip).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      else out[k] = strip(v);
    }
    return out;
  }
  return value;
}

describe("replaying the real API server's recorded answers", () => {
  let t: TestCluster;
  let robotToken = "";
  const answers = new Map<string, Answer>();

  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  function tokenFor(identity: string): string | null {
    if (identity.startsWith("admin")) return t.cluster.adminToken;
    if (identity === "robot") return robotToken;
    if (identity === "badtoken") return "not-a-valid-token";
    return null;
  }

  /** The request as recorded, adjusted where it names server-made values (continue tokens, uids). */
  function adjust(name: string, f: Fixture): { path: string; body: unknown } {
    let path = f.request.path;
    let body = f.request.body;
    if (name === "list-pods-page-2") path = `/api/v1/namespaces/golden/pods?limit=2&continue=${answers.get("list-pods-page-1")!.body.metadata.continue}`;
    if (name === "update-deployment-stale") {
      const created = answers.get("create-deployment-defaults")!.body;
      body = structuredClone(body) as Record<string, any>;
      (body as any).metadata.uid = created.metadata.uid;
      (body as any).metadata.resourceVersion = created.metadata.resourceVersion;
    }
    if (name === "delete-job-background") body = undefined; // the recorded server answered as without options (batch/v1 default: orphan)
    if (typeof body === "string") body = body.replace("<robot-token>", robotToken);
    else if (body !== undefined) body = JSON.parse(JSON.stringify(body).replace("<robot-token>", robotToken));
    return { path, body };
  }

  async function setup(name: string): Promise<void> {
    if (name === "list-pods-page-1") {
      assert.equal((await t.send("POST", "/api/v1/namespaces/golden/pods", { body: pod("worker-1", { app: "worker" }, "busybox:1.36") })).status, 201);
      assert.equal((await t.send("POST", "/api/v1/namespaces/golden/pods", { body: pod("cache-0", { app: "cache" }, "redis:7") })).status, 201);
    }
    if (name === "update-deployment-stale") {
      const patched = await t.send("PATCH", "/apis/apps/v1/namespaces/golden/deployments/web", { body: { spec: { replicas: 2 } }, contentType: "application/merge-patch+json" });
      assert.equal(patched.status, 200);
    }
  }

  for (const name of ORDER) {
    if (name.startsWith("discovery-") || ELSEWHERE.has(name)) continue;
    test(name, async () => {
      const f = fixture(name);
      await setup(name);
      const { path, body } = adjust(name, f);
      const answer = await t.send(f.request.method, path, {
        token: tokenFor(f.request.identity),
        ...(body !== undefined ? { body, contentType: f.request.contentType ?? "application/json" } : {}),
        ...(f.request.accept ? { accept: f.request.accept } : {}),
      });
      answers.set(name, answer);
      if (name === "tokenrequest") robotToken = answer.body.status.token;
      assert.equal(answer.status, f.response.status, answer.text);
      assert.equal(String(answer.headers["content-type"]).split(";")[0], f.response.contentType.split(";")[0]);
      if (name === "anonymous-version") {
        assert.deepEqual(Object.keys(answer.body).sort(), Object.keys(f.response.body).sort());
        assert.equal(answer.body.gitVersion, "v1.32.6");
        return;
      }
      if (name.startsWith("sa-selfsubjectrulesreview")) {
        // The recording server was MicroShift: its `system:openshift:public-info-viewer` role (`/.well-known`) is not upstream policy.
        f.response.body.status.nonResourceRules = f.response.body.status.nonResourceRules.filter((r: { nonResourceURLs: string[] }) => !r.nonResourceURLs.includes("/.well-known"));
      }
      if (typeof f.response.body === "string") assert.equal(answer.text, f.response.body);
      else assert.deepEqual(normalize(answer.body), normalize(f.response.body));
      // deepEqual ignores key order: the metadata keys both have come in the real server's order
      // (a DELETE's answer included: its deletion fields where ObjectMeta declares them).
      const metadataKeys = (body: any) => (body && typeof body === "object" && body.metadata && typeof body.metadata === "object" ? Object.keys(body.metadata) : []);
      const [got, recorded] = [metadataKeys(answer.body), metadataKeys(f.response.body)];
      assert.deepEqual(got.filter((k) => recorded.includes(k)), recorded.filter((k) => got.includes(k)), "metadata key order");
    });
  }
});
