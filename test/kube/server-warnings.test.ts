/**
 * The API server's Warning headers reach the log: a field it dropped under the default
 * `fieldValidation=Warn` is said once per client, not on every write, and not silently lost.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { startCluster, clientFor, ensureNamespace, type Cluster } from "podfn/testing";
import type { KubeClient } from "podfn";
import { warningTexts } from "../../runtime/kube/server-warnings.js";
import { createKubeClient, resolveCredentials } from "../../runtime/kube/index.js";

const NS = "warned";

describe("server warnings", () => {
  let cluster: Cluster;
  let kube: KubeClient;
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const record = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  before(async () => {
    cluster = await startCluster();
    const logger = { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") };
    kube = (await clientFor({ server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken }, logger as never)).with({ namespace: NS });
    await ensureNamespace(kube, NS);
  });
  after(async () => {
    await kube.close();
    await cluster.stop();
  });

  test("a field the server dropped is logged once at warn, with the request", async () => {
    const typo = { metadata: { name: "typo" }, data: { a: "1" }, dta: { b: "2" } } as ConfigMap;
    await kube.configMaps.create(typo);
    await kube.configMaps.create({ ...typo, metadata: { name: "typo-2" } });
    const warnings = lines.filter((l) => l.msg.startsWith("kube server warning"));
    assert.equal(warnings.length, 1, JSON.stringify(lines));
    assert.equal(warnings[0]!.level, "warn");
    assert.equal(warnings[0]!.obj.warning, 'unknown field "dta"');
    assert.equal(warnings[0]!.obj.method, "POST");
    assert.match(String(warnings[0]!.obj.path), /\/api\/v1\/namespaces\/warned\/configmaps$/);
  });

  test("a warning's text beyond ASCII reads as the server wrote it (UTF-8), through either HTTP client", async () => {
    for (const [i, httpClient] of (["node", "undici"] as const).entries()) {
      const credentials = await resolveCredentials({ explicit: { server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken }, serviceAccountDir: "/nonexistent", env: {} });
      const logger = { debug() {}, info() {}, error() {}, warn: record("warn") };
      const client = createKubeClient({ credentials, httpClient, logger: logger as never }).with({ namespace: NS });
      try {
        await client.configMaps.create({ metadata: { name: `accent-${i}` }, "donn\u00e9es": { a: "1" }, "\u6570\u636e": { b: "2" } } as ConfigMap);
      } finally {
        await client.close();
      }
    }
    const texts = lines.filter((l) => l.msg.startsWith("kube server warning") && String(l.obj.warning).includes("unknown field \"d")).map((l) => l.obj.warning);
    assert.deepEqual(texts.slice(-2), ['unknown field "donn\u00e9es"', 'unknown field "donn\u00e9es"']);
    assert.ok(lines.some((l) => l.obj.warning === 'unknown field "\u6570\u636e"'), "beyond Latin-1 too");
  });

  test("warning values are read as client-go reads them: code 299 only, quoted text unescaped, several per header", () => {
    assert.deepEqual(warningTexts('299 - "unknown field \\"spec.x\\""'), ['unknown field "spec.x"']);
    assert.deepEqual(warningTexts(['299 - "a", 299 - "b, c"', '199 - "miscellaneous"']), ["a", "b, c"]);
    assert.deepEqual(warningTexts(undefined), []);
  });
});
