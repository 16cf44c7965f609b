/**
 * manifestWarnings (runtime/deploy/warnings.ts): what `podfn manifests` notes on stderr about
 * manifests that are valid but likely not meant — a moving image tag, and a ServiceAccount that
 * can write pod templates, run commands in pods, mint tokens (serviceaccounts/token, or creating
 * Secrets while reading any), or read or overwrite every Secret (and so act as any ServiceAccount of
 * its namespace).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import type { KubeObject } from "../../runtime/kube/api.js";
import { manifestWarnings } from "../../runtime/deploy/warnings.js";

const PINNED = "registry.example.com/ops/podfn:1.0";

function granted(rules: PolicyRule[], kind: "Role" | "ClusterRole" = "Role"): KubeObject[] {
  return [
    { apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata: { name: "podfn-x", namespace: "ops" }, rules } as KubeObject,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: kind === "Role" ? "RoleBinding" : "ClusterRoleBinding",
      metadata: { name: "podfn-x", namespace: "ops" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: "podfn-x" },
      subjects: [{ kind: "ServiceAccount", name: "podfn-x", namespace: "ops" }],
    } as KubeObject,
  ];
}

test("an image without a tag, or on latest, is noted; a version tag, a digest or a registry port is not", () => {
  for (const image of ["podfn", "podfn:latest", "registry.example.com:5000/ops/podfn", "registry.example.com/ops/podfn:latest"]) {
    assert.equal(manifestWarnings([], image).length, 1, image);
    assert.match(manifestWarnings([], image)[0]!, /is a moving tag, and pods pull IfNotPresent/);
  }
  for (const image of [PINNED, "registry.example.com:5000/ops/podfn:1.0", "podfn@sha256:" + "a".repeat(64)]) assert.deepEqual(manifestWarnings([], image), [], image);
});

test("writing pod templates without resourceNames is noted, naming the ServiceAccount and each write", () => {
  const [note] = manifestWarnings(granted([{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch", "update"] }]), PINNED);
  assert.match(note!, /^ServiceAccount ops\/podfn-x may write pod templates \(update deployments\.apps, patch deployments\.apps\): .* any ServiceAccount of namespace ops/);
  // Everything everywhere: each kind of escalation once, over every namespace.
  const all = manifestWarnings(granted([{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }], "ClusterRole"), PINNED);
  assert.deepEqual(all.map((n) => /may (.+?) \(/.exec(n)?.[1]), ["write pod templates", "run commands in pods", "mint ServiceAccount tokens", "read every Secret of every namespace", "overwrite every Secret of every namespace", "mint long-lived ServiceAccount tokens"]);
  assert.match(all[0]!, /any ServiceAccount of every namespace/);
  assert.match(manifestWarnings(granted([{ apiGroups: [""], resources: ["pods"], verbs: ["patch"] }]), PINNED)[0]!, /\(patch pods\)/);
});

test("naming the objects does not quiet a pod-template write: resourceNames limit which objects, not what they run", () => {
  const [note] = manifestWarnings(granted([{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"], resourceNames: ["web"] }]), PINNED);
  assert.match(note!, /^ServiceAccount ops\/podfn-x may write pod templates \(patch deployments\.apps named web\): .*resourceNames limit which objects, not what they run.*ValidatingAdmissionPolicy/);
});

test("running commands in pods, minting tokens and reading every Secret are noted too; Secrets read by name are not", () => {
  const notes = (rules: PolicyRule[]) => manifestWarnings(granted(rules), PINNED);
  assert.match(notes([{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }])[0]!, /^ServiceAccount ops\/podfn-x may run commands in pods \(create pods\/exec\): a command runs with its pod's ServiceAccount/);
  assert.match(notes([{ apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["patch"] }])[0]!, /run commands in pods \(patch pods\/ephemeralcontainers\)/);
  // The kubelet's API: exec in any pod of the node through get (a WebSocket upgrade) or create of nodes/proxy.
  const kubelet = (rules: PolicyRule[]) => manifestWarnings(granted(rules, "ClusterRole"), PINNED);
  assert.deepEqual(kubelet([{ apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] }]), [
    "ServiceAccount ops/podfn-x may run commands in pods (get nodes/proxy): a command runs with its pod's ServiceAccount and reads the Secrets it mounts, in every namespace; nodes/proxy is the kubelet's API, which runs commands in any pod of any node whatever its namespace (pods/exec's rules not asked): grant nodes/stats or nodes/metrics for a node's figures instead",
  ]);
  assert.match(kubelet([{ apiGroups: [""], resources: ["nodes/proxy"], verbs: ["create"] }])[0]!, /may run commands in pods \(create nodes\/proxy\)/);
  assert.match(kubelet([{ apiGroups: [""], resources: ["*/proxy"], verbs: ["*"] }])[0]!, /\(get nodes\/proxy, create nodes\/proxy\)/);
  assert.deepEqual(kubelet([{ apiGroups: [""], resources: ["nodes", "nodes/stats", "nodes/metrics"], verbs: ["get", "list"] }]), [], "a node's figures are not its proxy");
  assert.match(notes([{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }])[0]!, /may mint ServiceAccount tokens \(create serviceaccounts\/token\): it can act as any ServiceAccount of namespace ops/);
  assert.match(notes([{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"], resourceNames: ["builder"] }])[0]!, /it can act as the ServiceAccounts named/);
  assert.match(notes([{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }])[0]!, /^ServiceAccount ops\/podfn-x may read every Secret of namespace ops \(list secrets\): ServiceAccount tokens/);
  assert.deepEqual(notes([{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["github-token"] }]), []);
  assert.match(notes([{ apiGroups: [""], resources: ["secrets"], verbs: ["list", "update"] }]).join("\n"), /^ServiceAccount ops\/podfn-x may overwrite every Secret of namespace ops \(update secrets\): set a route's caller-auth Secret/m);
  assert.match(notes([{ apiGroups: [""], resources: ["*"], verbs: ["patch"] }]).join("\n"), /may overwrite every Secret of namespace ops \(patch secrets\)/);
  assert.deepEqual(notes([{ apiGroups: [""], resources: ["secrets"], verbs: ["update", "patch"], resourceNames: ["db-password"] }]), [], "Secrets overwritten by name");
  assert.deepEqual(notes([{ apiGroups: [""], resources: ["pods/log", "pods"], verbs: ["get", "list"] }]), []);
});

test("what cannot choose a pod's image or account is not noted: the scale subresource, reads, a Job's patch", () => {
  const quiet: PolicyRule[][] = [
    [{ apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch", "update"] }],
    [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "watch", "delete"] }],
    [{ apiGroups: ["batch"], resources: ["jobs"], verbs: ["patch", "update", "delete"] }],
    [{ apiGroups: [""], resources: ["configmaps"], verbs: ["*"] }],
  ];
  for (const rules of quiet) assert.deepEqual(manifestWarnings(granted(rules), PINNED), [], JSON.stringify(rules));
  assert.equal(manifestWarnings(granted([{ apiGroups: ["batch"], resources: ["jobs"], verbs: ["create"] }]), PINNED).length, 1, "a Job created runs its template");
});

test("creating Secrets while reading any (a named get too) is noted: a service-account-token Secret it creates is filled with a token it then reads; create alone is not", () => {
  const notes = (rules: PolicyRule[], kind: "Role" | "ClusterRole" = "Role") => manifestWarnings(granted(rules, kind), PINNED);
  const minting = (list: string[]) => list.filter((n) => n.includes("may mint long-lived ServiceAccount tokens"));
  assert.deepEqual(notes([{ apiGroups: [""], resources: ["secrets"], verbs: ["create", "get"], resourceNames: [] }, { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["minted"] }]), [
    ...notes([{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]),
    "ServiceAccount ops/podfn-x may mint long-lived ServiceAccount tokens (create secrets, get secrets, get secrets named minted): a kubernetes.io/service-account-token Secret it creates annotated kubernetes.io/service-account.name is filled by the tokens controller with a token of that ServiceAccount, and it reads the Secret by the name it gave it (resourceNames do not stop that), so it can act as any ServiceAccount of namespace ops, holding their rights; grant create of secrets in a namespace of its own, or refuse that Secret type with an admission policy (a ValidatingAdmissionPolicy)",
  ]);
  for (const verb of ["get", "list", "watch"]) {
    const named = notes([{ apiGroups: [""], resources: ["secrets"], verbs: ["create"] }, { apiGroups: [""], resources: ["secrets"], verbs: [verb], resourceNames: ["minted"] }]);
    assert.deepEqual(named, minting(named), verb);
    assert.match(named[0] ?? "", new RegExp(`^ServiceAccount ops/podfn-x may mint long-lived ServiceAccount tokens \\(create secrets, ${verb} secrets named minted\\)`), verb);
  }
  assert.equal(minting(notes([{ apiGroups: [""], resources: ["*"], verbs: ["create", "get"] }])).length, 1, "every resource");
  assert.match(minting(notes([{ apiGroups: [""], resources: ["secrets"], verbs: ["*"] }], "ClusterRole"))[0] ?? "", /any ServiceAccount of every namespace/);
  // Create alone, reads alone, or create by name (RBAC never matches a create to resourceNames): no such note.
  assert.deepEqual(notes([{ apiGroups: [""], resources: ["secrets"], verbs: ["create"] }]), []);
  assert.deepEqual(notes([{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["minted"] }]), []);
  assert.deepEqual(notes([{ apiGroups: [""], resources: ["secrets"], verbs: ["create"], resourceNames: ["minted"] }, { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["minted"] }]), []);
});

test("creating Secrets in one namespace and reading them in another is not noted; where the scopes meet, it is, there", () => {
  const role = (namespace: string, name: string, rules: PolicyRule[], kind: "Role" | "ClusterRole" = "Role") => [
    { apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata: { name, ...(kind === "Role" ? { namespace } : {}) }, rules } as KubeObject,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: kind === "Role" ? "RoleBinding" : "ClusterRoleBinding",
      metadata: { name, ...(kind === "Role" ? { namespace } : {}) },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name },
      subjects: [{ kind: "ServiceAccount", name: "podfn-x", namespace: "ops" }],
    } as KubeObject,
  ];
  const create: PolicyRule[] = [{ apiGroups: [""], resources: ["secrets"], verbs: ["create"] }];
  const read: PolicyRule[] = [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["minted"] }];
  assert.deepEqual(manifestWarnings([...role("ops", "podfn-x", create), ...role("build", "ops:podfn-x", read)], PINNED), []);
  const met = manifestWarnings([...role("build", "ops:podfn-x", create), ...role("", "podfn-x-read", read, "ClusterRole")], PINNED);
  assert.equal(met.length, 1);
  assert.match(met[0]!, /^ServiceAccount ops\/podfn-x may mint long-lived ServiceAccount tokens \(create secrets, get secrets named minted\): .* any ServiceAccount of namespace build,/);
});
