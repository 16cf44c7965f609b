/**
 * `podfn manifests` for admission functions: the webhook configurations (schema-checked with
 * kubernetes-models), the Service's webhook port, the pods' HTTPS port and the certificate
 * Secret mounted where serve reads it, cert-manager's Issuer and Certificate (checked by hand:
 * kubernetes-models has no cert-manager types), no RBAC for any of it, the NetworkPolicy's port,
 * and the note on cluster-wide objects.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Service } from "kubernetes-types/core/v1.js";
import type { NetworkPolicy } from "kubernetes-types/networking/v1.js";
import type { MutatingWebhookConfiguration, ValidatingWebhookConfiguration } from "kubernetes-types/admissionregistration/v1.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { manifestWarnings } from "../../runtime/deploy/warnings.js";
import { DEFAULTS } from "../../runtime/config-accept.js";
import { validateObject } from "../deploy/validate.js";
import { grantedTo } from "../deploy/helpers.js";
import { loadedAdmission } from "./helpers.js";

const owner = loadedAdmission({
  name: "owner",
  admission: {
    type: "validating",
    rules: [{ operations: ["CREATE", "UPDATE"], resource: "deployments.apps" }, { operations: ["*"], resource: { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true }, scope: "Namespaced" }],
    namespaceSelector: { matchLabels: { "podfn.dev/require-owner": "true" } },
    objectSelector: { matchExpressions: [{ key: "skip", operator: "DoesNotExist" }] },
    timeoutSeconds: 5,
  },
  handler: () => ({ allowed: true }),
});
const defaults = loadedAdmission({ name: "defaults", admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "pods" }], sideEffects: "NoneOnDryRun", failurePolicy: "Ignore" }, handler: () => ({ allowed: true }) });
const groups = generateManifests([owner, defaults], { namespace: "ops", app: "tools", image: "registry.example/podfn:1.0", networkPolicy: true });
const objects = groups.flatMap((g) => g.objects);
const find = <T>(kind: string) => objects.find((o) => o.kind === kind) as T;

test("the webhook configurations are written to admission.yaml and pass the Kubernetes schema", () => {
  assert.deepEqual(groups.map((g) => g.path), ["http.yaml", "admission.yaml"]);
  for (const object of objects.filter((o) => !o.apiVersion?.startsWith("cert-manager.io/"))) validateObject(object);
  const validating = find<ValidatingWebhookConfiguration>("ValidatingWebhookConfiguration");
  assert.equal(validating.metadata?.name, "tools.ops");
  assert.deepEqual(validating.metadata?.annotations, { "cert-manager.io/inject-ca-from": "ops/tools-admission-tls" });
  assert.deepEqual(validating.webhooks, [
    {
      name: "owner.tools.ops.podfn.dev",
      clientConfig: { service: { name: "tools-http", namespace: "ops", path: "/admission/owner", port: 443 } },
      rules: [
        { apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"], scope: "*" },
        { apiGroups: ["ops.example.com"], apiVersions: ["v1"], operations: ["*"], resources: ["backups"], scope: "Namespaced" },
      ],
      admissionReviewVersions: ["v1"],
      sideEffects: "None",
      failurePolicy: "Fail",
      matchPolicy: "Equivalent",
      timeoutSeconds: 5,
      // The app's own namespace and kube-system always left out: a Fail webhook must not need itself to start.
      namespaceSelector: { matchLabels: { "podfn.dev/require-owner": "true" }, matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "ops"] }] },
      objectSelector: { matchExpressions: [{ key: "skip", operator: "DoesNotExist" }] },
    },
  ]);
  const mutating = find<MutatingWebhookConfiguration>("MutatingWebhookConfiguration");
  assert.equal(mutating.webhooks?.length, 1);
  assert.deepEqual(
    { ...mutating.webhooks![0], clientConfig: undefined },
    {
      name: "defaults.tools.ops.podfn.dev",
      clientConfig: undefined,
      rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"], scope: "*" }],
      admissionReviewVersions: ["v1"],
      sideEffects: "NoneOnDryRun",
      failurePolicy: "Ignore",
      matchPolicy: "Equivalent",
      timeoutSeconds: 10,
      namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "ops"] }] },
      reinvocationPolicy: "Never",
    },
  );
});

test("cert-manager issues the serving certificate for the Service's names, into the Secret the pods mount where serve reads it", () => {
  const issuer = find<{ metadata: { name: string; namespace: string }; spec: unknown }>("Issuer");
  const certificate = find<{ apiVersion: string; metadata: { name: string; namespace: string }; spec: Record<string, any> }>("Certificate");
  assert.deepEqual(issuer, { ...issuer, apiVersion: "cert-manager.io/v1", spec: { selfSigned: {} } });
  assert.equal(issuer.metadata.namespace, "ops");
  assert.equal(certificate.apiVersion, "cert-manager.io/v1");
  assert.equal(certificate.metadata.namespace, "ops");
  assert.deepEqual(certificate.spec.dnsNames, ["tools-http.ops.svc", "tools-http.ops.svc.cluster.local"]);
  assert.deepEqual(certificate.spec.issuerRef, { name: issuer.metadata.name, kind: "Issuer", group: "cert-manager.io" });
  assert.equal(certificate.spec.secretName, "tools-admission-tls");
  // The Certificate has exactly the fields cert-manager's v1 schema knows here.
  assert.deepEqual(Object.keys(certificate.spec).sort(), ["dnsNames", "issuerRef", "privateKey", "secretName"]);

  const deployment = find<Deployment>("Deployment");
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers[0]!;
  assert.deepEqual(container.ports?.find((p) => p.name === "webhook"), { name: "webhook", containerPort: DEFAULTS.admissionPort, protocol: "TCP" });
  const volume = pod.volumes?.find((v) => v.secret?.secretName === certificate.spec.secretName);
  assert.ok(volume, "the certificate's Secret is a volume");
  const mount = container.volumeMounts?.find((m) => m.name === volume.name);
  assert.equal(`${mount?.mountPath}/tls.crt`, DEFAULTS.admissionCertFile);
  assert.equal(`${mount?.mountPath}/tls.key`, DEFAULTS.admissionKeyFile);
  assert.equal(mount?.readOnly, true);
  const service = find<Service>("Service");
  assert.deepEqual(service.spec?.ports?.find((p) => p.name === "webhook"), { name: "webhook", port: 443, targetPort: "webhook", protocol: "TCP" });
  const policy = find<NetworkPolicy>("NetworkPolicy");
  assert.ok(policy.spec?.ingress?.some((rule) => !rule.from && rule.ports?.some((p) => p.port === DEFAULTS.admissionPort)), "the API server reaches the webhook port");
});

test("no ServiceAccount is granted anything on webhook configurations, and the note says who applies them", () => {
  assert.ok(!grantedTo(objects, "ops", "tools-http").some((g) => g.includes("admissionregistration")), "no admissionregistration rights");
  const notes = manifestWarnings(objects, "registry.example/podfn:1.0");
  assert.equal(notes.length, 1, notes.join("\n"));
  assert.match(notes[0]!, /^MutatingWebhookConfiguration tools\.ops, ValidatingWebhookConfiguration tools\.ops are cluster-wide objects: applying them takes rights on admissionregistration\.k8s\.io .*cert-manager.*; owner\.tools\.ops\.podfn\.dev \(failurePolicy Fail\) refuses the requests it matches while the HTTP pods are down$/);
});

test("without admission functions, no admission objects, port or mount", () => {
  const plain = generateManifests([], {}).flatMap((g) => g.objects);
  assert.equal(plain.length, 0);
  assert.ok(!JSON.stringify(generateManifests([{ ...owner, admission: undefined, http: { method: "GET", path: "/x", auth: "none", bodyLimitBytes: 1, bodyTimeoutMs: 1 } }], {})).match(/webhook|admission/));
});

test("a webhook's matchConditions and reinvocationPolicy are written as the function gives them", () => {
  const matchConditions = [{ name: "not-system", expression: "!request.userInfo.username.startsWith('system:')" }];
  const again = loadedAdmission({ name: "again", admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "pods" }], matchConditions, reinvocationPolicy: "IfNeeded" }, handler: () => ({ allowed: true }) });
  const written = generateManifests([again], { namespace: "ops" }).flatMap((g) => g.objects);
  const mutating = written.find((o) => o.kind === "MutatingWebhookConfiguration") as MutatingWebhookConfiguration;
  validateObject(mutating);
  assert.deepEqual(mutating.webhooks![0]!.matchConditions, matchConditions);
  assert.equal(mutating.webhooks![0]!.reinvocationPolicy, "IfNeeded");
  // Without them: no matchConditions key, and called once.
  const plain = find<MutatingWebhookConfiguration>("MutatingWebhookConfiguration").webhooks![0]!;
  assert.equal("matchConditions" in plain, false);
});

test("a subresource rule is written as Kubernetes names it, resource/subresource", () => {
  const exec = loadedAdmission({ name: "no-exec", admission: { type: "validating", rules: [{ operations: ["CONNECT"], resource: "pods/exec" }, { operations: ["UPDATE"], resource: "deployments.apps/scale" }] }, handler: () => ({ allowed: true }) });
  const written = generateManifests([exec], { namespace: "ops" }).flatMap((g) => g.objects);
  const validating = written.find((o) => o.kind === "ValidatingWebhookConfiguration") as ValidatingWebhookConfiguration;
  validateObject(validating);
  assert.deepEqual(validating.webhooks![0]!.rules, [
    { apiGroups: [""], apiVersions: ["v1"], operations: ["CONNECT"], resources: ["pods/exec"], scope: "*" },
    { apiGroups: ["apps"], apiVersions: ["v1"], operations: ["UPDATE"], resources: ["deployments/scale"], scope: "*" },
  ]);
});
