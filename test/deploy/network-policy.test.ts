/**
 * `podfn manifests --network-policy`: the HTTP pods take the functions' port from anywhere and
 * the operations port only from the metrics namespaces; a CronJob function's pods take nothing;
 * without the flag there is no NetworkPolicy. The objects are ones the API server accepts.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { NetworkPolicy } from "kubernetes-types/networking/v1.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import type { FunctionDefinition } from "../../runtime/function.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { applyObjects, clientFor, ensureNamespace, startCluster, type Cluster } from "../../runtime/testing/index.js";
import { isCidrList } from "../../runtime/config-accept.js";
import { ConfigError } from "../../runtime/errors.js";
import { loaded } from "./helpers.js";
import { validateObject } from "./validate.js";

const SHAPES: FunctionDefinition[] = [
  { name: "api", http: { auth: "none" }, handler() {} },
  { name: "nightly", schedule: { cron: "0 3 * * *" }, handler() {} },
  { name: "tick", schedule: { cron: "* * * * *", mode: "in-process" }, handler() {} },
];
const objects = (options: Parameters<typeof generateManifests>[1] = {}) => generateManifests(SHAPES.map(loaded), { namespace: "ops", ...options }).flatMap((g) => g.objects);
const policies = (options: Parameters<typeof generateManifests>[1] = {}) => objects(options).filter((o): o is NetworkPolicy => o.kind === "NetworkPolicy");

let cluster: Cluster;
let admin: KubeClient;
before(async () => {
  cluster = await startCluster();
  admin = (await clientFor({ server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken })).with({ namespace: "ops" });
  await ensureNamespace(admin, "ops");
});
after(async () => {
  await admin?.close();
  await cluster?.stop();
});

test("without --network-policy there is none", () => {
  assert.deepEqual(policies(), []);
});

test("the HTTP pods take the functions' port from anywhere and the operations port from the metrics namespaces only", () => {
  const http = policies({ networkPolicy: true, metricsNamespaces: ["observability", "monitoring"] }).find((p) => p.metadata?.name === "podfn-http")!;
  assert.deepEqual(http.spec, {
    podSelector: { matchLabels: { "app.kubernetes.io/name": "podfn", "app.kubernetes.io/component": "http" } },
    policyTypes: ["Ingress"],
    ingress: [
      { ports: [{ protocol: "TCP", port: 8080 }] },
      { ports: [{ protocol: "TCP", port: 9090 }], from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["monitoring", "observability"] }] } }] },
    ],
  });
  // The selector is the Deployment's pods'.
  const deployment = objects({ networkPolicy: true }).find((o) => o.kind === "Deployment") as { spec: { template: { metadata: { labels: Record<string, string> } } } };
  for (const [key, value] of Object.entries(http.spec!.podSelector.matchLabels!)) assert.equal(deployment.spec.template.metadata.labels[key], value);
});

test("a CronJob function's pods take no connections; a function without a CronJob has no such policy", () => {
  const found = policies({ networkPolicy: true });
  assert.deepEqual(found.map((p) => p.metadata?.name).sort(), ["podfn-http", "podfn-nightly"]);
  const cron = found.find((p) => p.metadata?.name === "podfn-nightly")!;
  assert.deepEqual(cron.spec, { podSelector: { matchLabels: { "app.kubernetes.io/name": "podfn", "app.kubernetes.io/component": "cronjob", "podfn.dev/function": "nightly" } }, policyTypes: ["Ingress"] });
  const job = objects({ networkPolicy: true }).find((o) => o.kind === "CronJob") as { spec: { jobTemplate: { spec: { template: { metadata: { labels: Record<string, string> } } } } } };
  for (const [key, value] of Object.entries(cron.spec!.podSelector.matchLabels!)) assert.equal(job.spec.jobTemplate.spec.template.metadata.labels[key], value);
});

test("the policies pass the schema and the API server stores them as written", async () => {
  const found = policies({ networkPolicy: true });
  for (const policy of found) validateObject(policy);
  const stored = await applyObjects(admin, found);
  assert.deepEqual(stored.map((p) => p.spec), found.map((p) => p.spec));
});

test("with --egress-cidrs every pod's egress is DNS to kube-system and those CIDRs only, as the API server stores it", async () => {
  const found = policies({ networkPolicy: true, egressCidrs: ["192.168.0.0/16", "10.0.0.1/32", "fd00::/8"] });
  const egress = [
    { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
    { to: [{ ipBlock: { cidr: "10.0.0.1/32" } }, { ipBlock: { cidr: "192.168.0.0/16" } }, { ipBlock: { cidr: "fd00::/8" } }] },
  ];
  assert.deepEqual(found.map((p) => p.metadata?.name).sort(), ["podfn-http", "podfn-nightly"]);
  for (const policy of found) {
    assert.deepEqual(policy.spec?.policyTypes, ["Ingress", "Egress"], policy.metadata?.name);
    assert.deepEqual(policy.spec?.egress, egress, policy.metadata?.name);
    validateObject(policy);
  }
  // The ingress rules are as without it.
  assert.deepEqual(found.find((p) => p.metadata?.name === "podfn-http")!.spec?.ingress, policies({ networkPolicy: true }).find((p) => p.metadata?.name === "podfn-http")!.spec?.ingress);
  const stored = await applyObjects(admin, found.map((p) => ({ ...p, metadata: { ...p.metadata, name: `${p.metadata!.name}-egress` } })));
  assert.deepEqual(stored.map((p) => p.spec), found.map((p) => p.spec));
});

test("--egress-cidrs or --metrics-namespaces without --network-policy is refused, saying what to add", () => {
  assert.throws(() => objects({ egressCidrs: ["10.0.0.1/32"] }), /--egress-cidrs limits the pods' egress in their NetworkPolicies: add --network-policy/);
  assert.throws(() => objects({ metricsNamespaces: ["observability"] }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, "--metrics-namespaces observability names who may reach the operations port in the NetworkPolicies: add --network-policy (without it, every pod may)");
    return true;
  });
  assert.throws(() => objects({ networkPolicy: false, metricsNamespaces: ["monitoring", "observability"] }), /^ConfigError: --metrics-namespaces monitoring,observability names /);
  assert.equal(policies({ networkPolicy: true, metricsNamespaces: ["observability"] }).length, 2);
});

test("--egress-cidrs accepts what the API server's ParseCIDR does: IPv6 written every way, but no zone (fe80::1%eth0/64 is 'not a valid CIDR' there)", async () => {
  const accepted = ["::ffff:10.0.0.1/128", "FD00::/8", "1:2:3:4:5:6:7::/112", "::1:2:3:4:5:6:7/128", "::10.0.0.1/128", "0.0.0.0/0"];
  const refused = ["fe80::1%eth0/64", "fe80::1%25eth0/64"];
  for (const cidr of [...accepted, ...refused]) {
    const accepts = isCidrList(cidr);
    assert.equal(accepts, accepted.includes(cidr), cidr);
    const [policy] = policies({ networkPolicy: true, egressCidrs: [cidr] });
    const apply = applyObjects(admin, [{ ...policy!, metadata: { ...policy!.metadata, name: `cidr-${accepted.indexOf(cidr) + 1}-${refused.indexOf(cidr) + 1}` } }]);
    if (accepts) await apply;
    else await assert.rejects(apply, /not a valid CIDR/, cidr);
  }
});
