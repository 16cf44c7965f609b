/**
 * Per-function egress in `podfn manifests --network-policy --egress-cidrs`: each pod's
 * NetworkPolicy allows DNS, `--egress-cidrs` and the union of the `egress` its functions declare
 * (a serving workload's, over the functions it serves; a CronJob's, its own function's), ports on
 * a rule of their own per port set, sorted; without both flags nothing is enforced, and the
 * command notes it once, naming the functions.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { NetworkPolicy, NetworkPolicyEgressRule } from "kubernetes-types/networking/v1.js";
import { generateManifests, renderManifests, type ManifestOptions } from "../../runtime/deploy/index.js";
import { egressNotes } from "../../runtime/deploy/egress.js";
import { manifestsCommand } from "../../runtime/commands/manifests.js";
import type { FunctionDefinition } from "../../runtime/function.js";
import type { KubeClient, KubeObject } from "../../runtime/kube/api.js";
import { applyObjects, clientFor, ensureNamespace, startCluster, type Cluster } from "../../runtime/testing/index.js";
import { loaded } from "./helpers.js";
import { validateObject } from "./validate.js";

const DEFINITIONS: FunctionDefinition[] = [
  { name: "hook", http: { auth: "none" }, egress: [{ cidr: "140.82.112.0/20", ports: [443] }], handler() {} },
  { name: "alert", http: { auth: "none" }, egress: [{ cidr: "10.9.0.0/16" }, { cidr: "192.0.2.10/32", ports: [8443, 443] }, { cidr: "10.0.0.1/32", ports: [6443] }], handler() {} },
  { name: "pub", workload: "public", http: { auth: "none" }, egress: [{ cidr: "198.51.100.0/24", ports: [443, 443] }], handler() {} },
  { name: "quiet", workload: "public", watch: { resource: "pods" }, handler() {} },
  { name: "nightly", schedule: { cron: "0 3 * * *" }, egress: [{ cidr: "203.0.113.0/24", ports: [25] }], handler() {} },
  // Its route is the default workload's, its CronJob its own.
  { name: "both", http: { auth: "none" }, schedule: { cron: "0 4 * * *" }, egress: [{ cidr: "140.82.112.0/20", ports: [22] }], handler() {} },
  { name: "idle", schedule: { cron: "0 5 * * *" }, handler() {} },
];
const FUNCTIONS = DEFINITIONS.map(loaded);
const ENFORCED: ManifestOptions = { namespace: "ops", networkPolicy: true, egressCidrs: ["10.0.0.1/32"] };

const policies = (options: ManifestOptions, functions = FUNCTIONS) =>
  new Map(generateManifests(functions, options).flatMap((g) => g.objects).filter((o): o is NetworkPolicy => o.kind === "NetworkPolicy").map((p) => [p.metadata!.name!, p]));

const DNS: NetworkPolicyEgressRule = { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] };
const to = (...cidrs: string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));

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

test("a serving workload's pods may reach DNS, --egress-cidrs and the union of its functions' egress, ports on a rule per port set", () => {
  const found = policies(ENFORCED);
  assert.deepEqual(found.get("podfn-http")!.spec!.egress, [
    DNS,
    // Every port: --egress-cidrs and what a function declares without ports; 10.0.0.1/32's port 6443 is within it.
    { to: to("10.0.0.1/32", "10.9.0.0/16") },
    // hook's 443 and both's 22 to the same CIDR: one port set.
    { to: to("140.82.112.0/20"), ports: tcp(22, 443) },
    { to: to("192.0.2.10/32"), ports: tcp(443, 8443) },
  ]);
  // The named workload's own functions only: a port declared twice is written once.
  assert.deepEqual(found.get("podfn-public")!.spec!.egress, [DNS, { to: to("10.0.0.1/32") }, { to: to("198.51.100.0/24"), ports: tcp(443) }]);
});

test("a CronJob's pods may reach their own function's egress only", () => {
  const found = policies(ENFORCED);
  assert.deepEqual(found.get("podfn-nightly")!.spec!.egress, [DNS, { to: to("10.0.0.1/32") }, { to: to("203.0.113.0/24"), ports: tcp(25) }]);
  assert.deepEqual(found.get("podfn-both")!.spec!.egress, [DNS, { to: to("10.0.0.1/32") }, { to: to("140.82.112.0/20"), ports: tcp(22) }]);
  assert.deepEqual(found.get("podfn-idle")!.spec!.egress, [DNS, { to: to("10.0.0.1/32") }]);
});

test("CIDRs sharing a port set share a rule, the rules sorted: the same functions in any order give the same files", () => {
  const shared = [
    { name: "a", http: { auth: "none" }, egress: [{ cidr: "fd00::/8", ports: [443] }, { cidr: "192.0.2.0/24", ports: [443] }], handler() {} },
    { name: "b", http: { auth: "none" }, egress: [{ cidr: "198.51.100.0/24", ports: [80] }, { cidr: "203.0.113.0/24", ports: [443] }], handler() {} },
  ].map((d) => loaded(d as FunctionDefinition));
  assert.deepEqual(policies(ENFORCED, shared).get("podfn-http")!.spec!.egress, [
    DNS,
    { to: to("10.0.0.1/32") },
    { to: to("198.51.100.0/24"), ports: tcp(80) },
    { to: to("192.0.2.0/24", "203.0.113.0/24", "fd00::/8"), ports: tcp(443) },
  ]);
  assert.deepEqual(renderManifests([...FUNCTIONS].reverse(), ENFORCED), renderManifests(FUNCTIONS, ENFORCED));
});

test("without --egress-cidrs nothing is limited: the policies are as without egress", () => {
  const plain = FUNCTIONS.map((fn) => ({ ...fn, egress: [] }));
  assert.deepEqual(policies({ namespace: "ops", networkPolicy: true }), policies({ namespace: "ops", networkPolicy: true }, plain));
  for (const policy of policies({ namespace: "ops", networkPolicy: true }).values()) assert.deepEqual(policy.spec!.policyTypes, ["Ingress"]);
});

test("the policies pass the schema and the API server stores them as written", async () => {
  const found = [...policies(ENFORCED).values()];
  for (const policy of found) validateObject(policy);
  const stored = await applyObjects(admin, found);
  assert.deepEqual(stored.map((p) => p.spec), found.map((p) => p.spec));
});

test("functions' egress not enforced (no --network-policy, or no --egress-cidrs) is noted once, naming them", () => {
  const note = /^functions alert, both, hook, nightly, pub declare egress, which nothing enforces without --network-policy and --egress-cidrs: /;
  for (const options of [{}, { networkPolicy: true }, { networkPolicy: true, egressCidrs: [] }]) {
    const notes = egressNotes(FUNCTIONS, options);
    assert.equal(notes.length, 1, JSON.stringify(options));
    assert.match(notes[0]!, note);
  }
  assert.deepEqual(egressNotes(FUNCTIONS, { networkPolicy: true, egressCidrs: ["10.0.0.1/32"] }), []);
  assert.deepEqual(egressNotes(FUNCTIONS.filter((fn) => fn.egress.length === 0), {}), []);
  assert.match(egressNotes([FUNCTIONS[0]!], {})[0]!, /^function hook declares egress, which nothing enforces /);
});

test("podfn manifests says so in its notes, and writes the declared egress with both flags", async () => {
  const fixture = new URL("./fixtures/egress", import.meta.url).pathname;
  const out = await mkdtemp(join(tmpdir(), "podfn-egress-"));
  const run = async (...argv: string[]) => {
    let stderr = "";
    const code = await manifestsCommand.run({ argv: ["--functions", fixture, "--out", out, "--image", "x:1", ...argv], env: {}, cwd: fixture, stdout: () => {}, stderr: (t) => void (stderr += t), signal: new AbortController().signal });
    assert.equal(code, 0, stderr);
    return stderr.split("\n").filter((line) => / declares? egress/.test(line));
  };
  try {
    const open = await run();
    assert.equal(open.length, 1, open.join("\n"));
    assert.match(open[0]!, /^note: functions notify, sweep declare egress, which nothing enforces without --network-policy and --egress-cidrs: /);
    assert.deepEqual(await run("--network-policy", "--egress-cidrs", "10.0.0.1/32"), []);
    const policy = async (file: string) => parseAllDocuments(await readFile(join(out, file), "utf8")).map((d) => d.toJS() as KubeObject).find((o) => o.kind === "NetworkPolicy") as NetworkPolicy;
    assert.deepEqual((await policy("http.yaml")).spec!.egress, [DNS, { to: to("10.0.0.1/32") }, { to: to("192.0.2.0/24"), ports: tcp(443) }]);
    assert.deepEqual((await policy("cronjob-sweep.yaml")).spec!.egress, [DNS, { to: to("10.0.0.1/32", "198.51.100.7/32") }]);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
