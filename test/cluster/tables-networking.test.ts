/**
 * Server-side Tables of Ingresses, IngressClasses, NetworkPolicies and EndpointSlices: the 1.32
 * printers' columns and cells (three hosts, ports and addresses, then `+ N more...`; the load
 * balancer's addresses sorted and deduplicated; `<none>` and `<unset>` where upstream prints
 * them); `kubectl get` showing them where kubectl is installed; and the typed client reaching
 * the new types.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { testCluster, type TestCluster } from "./helpers.js";
import { clientFor } from "podfn/testing";

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);
const NET = "/apis/networking.k8s.io/v1";

describe("server-side Tables of the networking types", () => {
  let t: TestCluster;
  const rows = async (path: string) => {
    const res = await t.send("GET", path, { accept: TABLE });
    assert.equal(res.status, 200, res.text);
    return { header: res.body.columnDefinitions.map((c: { name: string }) => c.name), cells: res.body.rows.map((r: { cells: unknown[] }) => r.cells.slice(0, -1)) };
  };
  const create = async (path: string, body: unknown) => {
    const res = await t.send("POST", path, { body });
    assert.equal(res.status, 201, res.text);
  };
  const backend = { service: { name: "web", port: { number: 80 } } };
  const rule = (host?: string) => ({ ...(host ? { host } : {}), http: { paths: [{ path: "/", pathType: "Prefix", backend }] } });

  before(async () => {
    t = await testCluster();
    await create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "tn" } });
    const ing = `${NET}/namespaces/tn/ingresses`;
    await create(ing, { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "a" }, spec: { ingressClassName: "nginx", tls: [{ hosts: ["a.example.com"] }], rules: ["a.example.com", undefined, "b.example.com", "c.example.com", "d.example.com"].map(rule) } });
    await create(ing, { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "b" }, spec: { rules: [rule()] } });
    const status = await t.send("PATCH", `${ing}/b/status`, { body: { status: { loadBalancer: { ingress: [{ ip: "203.0.113.9" }, { hostname: "lb.example.com" }, { ip: "198.51.100.1" }, { ip: "203.0.113.9" }] } } }, contentType: "application/merge-patch+json" });
    assert.equal(status.status, 200, status.text);
    await create(`${NET}/ingressclasses`, { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "nginx" }, spec: { controller: "k8s.io/ingress-nginx", parameters: { apiGroup: "k8s.example.com", kind: "Params", name: "p" } } });
    await create(`${NET}/ingressclasses`, { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "plain" }, spec: { controller: "example.com/plain" } });
    const np = `${NET}/namespaces/tn/networkpolicies`;
    await create(np, { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "all" }, spec: { podSelector: {} } });
    await create(np, { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "web" }, spec: { podSelector: { matchLabels: { tier: "web" }, matchExpressions: [{ key: "app", operator: "In", values: ["b", "a"] }] } } });
    const eps = "/apis/discovery.k8s.io/v1/namespaces/tn/endpointslices";
    const addresses = (n: number) => Array.from({ length: n }, (_, i) => ({ addresses: [`10.0.0.${i + 1}`] }));
    await create(eps, { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "many" }, addressType: "IPv4", ports: [{ port: 80, name: "a" }, { name: "b" }, {}, { port: 83, name: "d" }], endpoints: addresses(5) });
    await create(eps, { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "empty" }, addressType: "FQDN", endpoints: [] });
  });
  after(() => t.close());

  test("Ingresses: class, the first three hosts, the load balancer's addresses sorted, ports", async () => {
    const { header, cells } = await rows(`${NET}/namespaces/tn/ingresses`);
    assert.deepEqual(header, ["Name", "Class", "Hosts", "Address", "Ports", "Age"]);
    assert.deepEqual(cells, [
      ["a", "nginx", "a.example.com,b.example.com,c.example.com + 2 more...", "", "80, 443"],
      ["b", "<none>", "*", "198.51.100.1,203.0.113.9,lb.example.com", "80"],
    ]);
  });

  test("IngressClasses: controller and parameters as Kind.group/name", async () => {
    const { header, cells } = await rows(`${NET}/ingressclasses`);
    assert.deepEqual(header, ["Name", "Controller", "Parameters", "Age"]);
    assert.deepEqual(cells, [["nginx", "k8s.io/ingress-nginx", "Params.k8s.example.com/p"], ["plain", "example.com/plain", "<none>"]]);
  });

  test("NetworkPolicies: the pod selector, <none> when it selects every pod", async () => {
    const { header, cells } = await rows(`${NET}/namespaces/tn/networkpolicies`);
    assert.deepEqual(header, ["Name", "Pod-Selector", "Age"]);
    assert.deepEqual(cells, [["all", "<none>"], ["web", "app in (a,b),tier=web"]]);
  });

  test("EndpointSlices: address type, three ports (a number, else the name) and three addresses, <unset> when none", async () => {
    const { header, cells } = await rows("/apis/discovery.k8s.io/v1/namespaces/tn/endpointslices");
    assert.deepEqual(header, ["Name", "AddressType", "Ports", "Endpoints", "Age"]);
    assert.deepEqual(cells, [["empty", "FQDN", "<unset>", "<unset>"], ["many", "IPv4", "80,b, + 1 more...", "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more..."]]);
  });

  test("kubectl get shows them", { skip: !hasKubectl && "kubectl is not installed" }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-net-tables-"));
    try {
      const kubeconfig = join(dir, "kubeconfig");
      await writeFile(kubeconfig, t.cluster.kubeconfig({ namespace: "tn" }));
      const { stdout } = await run("kubectl", ["--kubeconfig", kubeconfig, "get", "ing,netpol"]);
      const lines = stdout.trim().split("\n").map((l) => l.trim().split(/\s{2,}/));
      assert.deepEqual(lines[0], ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]);
      assert.deepEqual(lines[2]!.slice(0, 4), ["ingress.networking.k8s.io/b", "<none>", "*", "198.51.100.1,203.0.113.9,lb.example.com"]);
      assert.ok(lines.some((l) => l[0] === "networkpolicy.networking.k8s.io/web" && l[1] === "app in (a,b),tier=web"), stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("the typed client reaches them: kube.ingresses, ingressClasses, networkPolicies, endpointSlices (and resourceQuotas, limitRanges)", async () => {
    const kube = await clientFor({ server: t.cluster.url, caPem: t.cluster.caPem, token: t.cluster.adminToken, namespace: "tn" });
    try {
      assert.deepEqual((await kube.ingresses.listPage()).items.map((i) => i.metadata?.name), ["a", "b"]);
      assert.equal((await kube.ingressClasses.get("nginx")).spec?.controller, "k8s.io/ingress-nginx");
      assert.deepEqual((await kube.networkPolicies.get("all")).spec?.policyTypes, ["Ingress"]);
      const slice = await kube.endpointSlices.create({ metadata: { name: "new" }, addressType: "IPv6", endpoints: [{ addresses: ["fd00::1"] }] });
      assert.equal(slice.kind, "EndpointSlice");
      assert.equal(slice.metadata?.namespace, "tn");
      const quota = await kube.resourceQuotas.create({ metadata: { name: "q" }, spec: { hard: { pods: "3" } } });
      assert.equal(quota.kind, "ResourceQuota");
      assert.deepEqual((await kube.limitRanges.create({ metadata: { name: "l" }, spec: { limits: [{ type: "Container", max: { cpu: "1" } }] } })).spec?.limits[0]?.default, { cpu: "1" });
    } finally {
      await kube.close();
    }
  });
});
