/**
 * Typed decoding of written objects, as 1.32 decodes them: unknown fields are dropped and,
 * by `?fieldValidation=` (Warn by default), warned about, refused (Strict: 400 on create and
 * update, 422 naming `patch` on a patch) or ignored; a value of the wrong JSON type, a bad
 * quantity, time or base64 value is a 400 worded as Go's decoder words it. kubectl's
 * `create -f` (which asks for Strict) shows the server's message (where kubectl is installed).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { testCluster, type TestCluster } from "./helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);
const DEPLOYS = "/apis/apps/v1/namespaces/fv/deployments";
const PODS = "/api/v1/namespaces/fv/pods";
const MERGE = "application/merge-patch+json";

const deployment = (name: string, extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image: "nginx", ...container }] } },
    ...extra,
  },
});

describe("typed decoding and fieldValidation", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "fv" } } });
  });
  after(() => t.close());

  test("by default unknown fields are dropped, with a warning for each", async () => {
    const res = await t.send("POST", DEPLOYS, { body: deployment("warned", { replicaz: 2 }, { imagePullPolic: "Always" }) });
    assert.equal(res.status, 201, res.text);
    // In document order: the template comes before the misspelt field.
    assert.deepEqual(res.headers.warning, ['299 - "unknown field \\"spec.template.spec.containers[0].imagePullPolic\\""', '299 - "unknown field \\"spec.replicaz\\""']);
    const stored = (await t.send("GET", `${DEPLOYS}/warned`)).body;
    assert.equal(stored.spec.replicaz, undefined);
    assert.equal(stored.spec.template.spec.containers[0].imagePullPolic, undefined);
    assert.equal(stored.spec.replicas, 1);
  });

  test("Strict refuses the object, naming every unknown field; nothing is stored", async () => {
    const res = await t.send("POST", `${DEPLOYS}?fieldValidation=Strict`, { body: deployment("strict", { replicaz: 2 }, { imagePullPolic: "Always" }) });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolic", unknown field "spec.replicaz"',
      reason: "BadRequest",
      code: 400,
    });
    assert.equal((await t.send("GET", `${DEPLOYS}/strict`)).status, 404);
  });

  test("Ignore drops them quietly; an unknown value of fieldValidation is the options' 422", async () => {
    const res = await t.send("POST", `${DEPLOYS}?fieldValidation=Ignore`, { body: deployment("ignored", { replicaz: 2 }) });
    assert.equal(res.status, 201);
    assert.equal(res.headers.warning, undefined);
    assert.equal(res.body.spec.replicaz, undefined);
    const both = await t.send("POST", `${DEPLOYS}?dryRun=yes&fieldValidation=strict`, { body: deployment("bad") });
    assert.equal(both.body.message, 'CreateOptions.meta.k8s.io "" is invalid: [dryRun: Unsupported value: []string{"yes"}: supported values: "All", fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"]');
    const apply = await t.send("PATCH", `${DEPLOYS}/bad?fieldValidation=x`, { body: "{}", contentType: "application/apply-patch+yaml" });
    assert.deepEqual(apply.body.details.causes.map((c: { field: string }) => c.field), ["fieldManager", "fieldValidation"]);
    const force = await t.send("PATCH", `${DEPLOYS}/bad?force=true`, { body: "{}", contentType: MERGE });
    assert.equal(force.body.message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
    const bad = await t.send("POST", `${DEPLOYS}?fieldValidation=strict`, { body: deployment("bad") });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.message, 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"');
    assert.deepEqual(bad.body.details, { group: "meta.k8s.io", kind: "CreateOptions", causes: [{ reason: "FieldValueNotSupported", message: 'Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"', field: "fieldValidation" }] });
  });

  test("a fieldManager longer than 128 bytes or with a character that is not printable is the options' 422 (ValidateFieldManager); nothing is written", async () => {
    const long = "m".repeat(129);
    const created = await t.send("POST", `${DEPLOYS}?fieldManager=${long}&fieldValidation=x`, { body: deployment("long-manager") });
    assert.equal(created.status, 422);
    assert.equal(created.body.message, 'CreateOptions.meta.k8s.io "" is invalid: [fieldManager: Too long: may not be more than 128 bytes, fieldValidation: Unsupported value: "x": supported values: "", "Ignore", "Strict", "Warn"]');
    assert.deepEqual(created.body.details.causes[0], { reason: "FieldValueTooLong", message: "Too long: may not be more than 128 bytes", field: "fieldManager" });
    assert.equal((await t.send("GET", `${DEPLOYS}/long-manager`)).status, 404);
    assert.equal((await t.send("POST", `${DEPLOYS}?fieldManager=${"m".repeat(128)}`, { body: deployment("longest-manager") })).status, 201, "128 bytes is allowed");

    const control = await t.send("POST", `${DEPLOYS}?fieldManager=a%01b%7Fé`, { body: deployment("control-manager") });
    assert.equal(control.status, 422);
    assert.equal(control.body.message, 'CreateOptions.meta.k8s.io "" is invalid: [fieldManager: Invalid value: "a\\x01b\\x7fé": invalid character U+0001 (at position 1), fieldManager: Invalid value: "a\\x01b\\x7fé": invalid character U+007F (at position 3)]');

    const applied = await t.send("PATCH", `${DEPLOYS}/long-manager?fieldManager=${long}`, { body: JSON.stringify(deployment("long-manager")), contentType: "application/apply-patch+yaml" });
    assert.equal(applied.status, 422);
    assert.equal(applied.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes');
    assert.equal((await t.send("GET", `${DEPLOYS}/long-manager`)).status, 404);
    const updated = await t.send("PUT", `${DEPLOYS}/longest-manager?fieldManager=%00`, { body: deployment("longest-manager") });
    assert.equal(updated.body.message, 'UpdateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "\\x00": invalid character U+0000 (at position 0)');
    const scaled = await t.send("PUT", `${DEPLOYS}/missing/scale?fieldManager=%00`, { body: { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "missing" }, spec: { replicas: 2 } } });
    assert.equal(scaled.body.message, updated.body.message, "a scale update's options too, before the object is looked up");
  });

  test("a value of the wrong JSON type is Go's decoding error, whatever fieldValidation says", async () => {
    const cases: Array<[unknown, string]> = [
      [deployment("t1", { replicas: "3" }), "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"],
      [deployment("t2", {}, { ports: [{ containerPort: 80.5 }] }), "json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32"],
      [deployment("t3", {}, { resources: { limits: { cpu: "lots" } } }), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
      [{ ...deployment("t4"), metadata: { name: "t4", labels: { tier: 1 } } }, "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"],
      [{ ...deployment("t5"), spec: { template: { spec: { containers: { name: "app" } } } } }, "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container"],
      [{ ...deployment("t6"), metadata: "t6" }, "json: cannot unmarshal string into Go struct field Deployment.metadata of type v1.ObjectMeta"],
    ];
    for (const [body, why] of cases) {
      const res = await t.send("POST", `${DEPLOYS}?fieldValidation=Ignore`, { body });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.message, `Deployment in version "v1" cannot be handled as a Deployment: ${why}`);
    }
    // A quantity may be a JSON number; unknown fields do not hide a type error.
    const ok = await t.send("POST", DEPLOYS, { body: deployment("numbers", {}, { resources: { limits: { cpu: 1, memory: "64Mi" } } }) });
    assert.equal(ok.status, 201, ok.text);
    // Stored in the canonical form Quantity.MarshalJSON writes.
    assert.deepEqual(ok.body.spec.template.spec.containers[0].resources.limits, { cpu: "1", memory: "64Mi" });
    const canonical = await t.send("POST", DEPLOYS, { body: deployment("canonical", {}, { resources: { requests: { cpu: "0.5", memory: "2048Mi" } } }) });
    assert.deepEqual(canonical.body.spec.template.spec.containers[0].resources.requests, { cpu: "500m", memory: "2Gi" });
  });

  test("repeated keys: a warning each, the last value wins, a repeated object is merged; Strict refuses", async () => {
    const text = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","labels":{"a":"1"}},"metadata":{"labels":{"b":"2","b":"3"}},"data":{"k":"v"}}';
    const res = await t.send("POST", "/api/v1/namespaces/fv/configmaps", { body: text, contentType: "application/json" });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.headers.warning, ['299 - "duplicate field \\"metadata\\""', '299 - "duplicate field \\"metadata.labels.b\\""']);
    assert.equal(res.body.metadata.name, "dup");
    assert.deepEqual(res.body.metadata.labels, { a: "1", b: "3" });
    const strict = await t.send("POST", "/api/v1/namespaces/fv/configmaps?fieldValidation=Strict", { body: text.replace('"dup"', '"dup2"'), contentType: "application/json" });
    assert.equal(strict.status, 400);
    assert.equal(strict.body.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "metadata", duplicate field "metadata.labels.b"');
  });

  test("an integer field takes the number's literal as Go does: 2 but not 2.0 or 2e0", async () => {
    const base = JSON.stringify(deployment("literal", { replicas: 0 }));
    for (const lit of ["2.0", "2e0"]) {
      const res = await t.send("POST", DEPLOYS, { body: base.replace('"replicas":0', `"replicas":${lit}`), contentType: "application/json" });
      assert.equal(res.status, 400);
      assert.equal(res.body.message, `Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number ${lit} into Go struct field DeploymentSpec.spec.replicas of type int32`);
    }
    const ok = await t.send("POST", DEPLOYS, { body: base.replace('"replicas":0', '"replicas":2'), contentType: "application/json" });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.spec.replicas, 2);
  });

  test("times and base64 data are parsed as Go parses them", async () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", creationTimestamp: "2024-13-01T00:00:00Z" }, spec: { containers: [{ name: "a", image: "b" }] } };
    const res = await t.send("POST", PODS, { body: pod });
    assert.equal(res.status, 400);
    assert.equal(res.body.message, 'Pod in version "v1" cannot be handled as a Pod: parsing time "2024-13-01T00:00:00Z": month out of range');
    const secret = await t.send("POST", "/api/v1/namespaces/fv/secrets", { body: { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { key: "not base64!" } } });
    assert.equal(secret.status, 400);
    assert.equal(secret.body.message, 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
    // A []byte takes a list of bytes too, stored as base64.
    const bytes = await t.send("POST", "/api/v1/namespaces/fv/secrets", { body: { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { key: [104, 105] } } });
    assert.equal(bytes.status, 201, bytes.text);
    assert.equal(bytes.body.data.key, "aGk=");
  });

  test("an update decodes its object the same way", async () => {
    const current = (await t.send("GET", `${DEPLOYS}/warned`)).body;
    current.spec.paused = "yes";
    const typed = await t.send("PUT", `${DEPLOYS}/warned`, { body: current });
    assert.equal(typed.status, 400);
    assert.equal(typed.body.message, 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool');
    current.spec.paused = true;
    current.spec.pausd = true;
    const strict = await t.send("PUT", `${DEPLOYS}/warned?fieldValidation=Strict`, { body: current });
    assert.equal(strict.status, 400);
    assert.match(strict.body.message, /: strict decoding error: unknown field "spec\.pausd"$/);
  });

  test("a patch decodes the patched object: warnings, or a 422 naming the patch", async () => {
    const warned = await t.send("PATCH", `${DEPLOYS}/warned`, { body: { spec: { minReadySecond: 5 } }, contentType: MERGE });
    assert.equal(warned.status, 200, warned.text);
    assert.equal(warned.headers.warning, '299 - "unknown field \\"spec.minReadySecond\\""');
    assert.equal(warned.body.spec.minReadySecond, undefined);
    const strict = await t.send("PATCH", `${DEPLOYS}/warned?fieldValidation=Strict`, { body: { spec: { minReadySecond: 5 } }, contentType: MERGE });
    assert.equal(strict.status, 422);
    assert.match(strict.body.message, /^ "" is invalid: patch: Invalid value: "\{.*\}": strict decoding error: unknown field "spec\.minReadySecond"$/);
    assert.deepEqual(Object.keys(strict.body.details), ["causes"]);
    // JSON and merge patches give json-patch's result, keys sorted: so are the strict errors.
    const sorted = await t.send("PATCH", `${DEPLOYS}/warned?fieldValidation=Strict`, { body: { spec: { zzz: 1, aaa: 2 } }, contentType: MERGE });
    assert.match(sorted.body.message, /: strict decoding error: unknown field "spec\.aaa", unknown field "spec\.zzz"$/);
    // A strategic merge patch's result is converted from a map, in the converter's words.
    const typed = await t.send("PATCH", `${DEPLOYS}/warned`, { body: { spec: { replicas: "2" } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(typed.status, 422);
    assert.equal(typed.body.message, ' "" is invalid: patch: Invalid value: "map[spec:map[replicas:2]]": unrecognized type: int32');
    const label = await t.send("PATCH", `${DEPLOYS}/warned`, { body: { metadata: { labels: { tier: 1 } } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(label.body.message, ' "" is invalid: patch: Invalid value: "map[metadata:map[labels:map[tier:1]]]": cannot convert int64 to string');
    const smpStrict = await t.send("PATCH", `${DEPLOYS}/warned?fieldValidation=Strict`, { body: { spec: { zzz: 1, aaa: 2 } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(smpStrict.body.message, ' "" is invalid: patch: Invalid value: "map[spec:map[aaa:2 zzz:1]]": strict decoding error: unknown field "spec.aaa", unknown field "spec.zzz"');
  });

  test("server-side apply refuses a field the schema does not declare: structured-merge-diff's 500", async () => {
    const applied = { ...deployment("applied", {}, { imagePullPolic: "Always", ports: [{ containerPort: 80, nam: "http" }] }), metadata: { name: "applied", namespace: "fv" } };
    const res = await t.send("PATCH", `${DEPLOYS}/applied?fieldManager=test`, { body: JSON.stringify(applied), contentType: "application/apply-patch+yaml" });
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'failed to create typed patch object (fv/applied; apps/v1, Kind=Deployment): errors:\n  .spec.template.spec.containers[name="app"].imagePullPolic: field not declared in schema\n  .spec.template.spec.containers[name="app"].ports[containerPort=80,protocol="TCP"].nam: field not declared in schema',
      code: 500,
    });
    assert.equal((await t.send("GET", `${DEPLOYS}/applied`)).status, 404);
    const one = await t.send("PATCH", `${DEPLOYS}/applied?fieldManager=test`, { body: JSON.stringify(deployment("applied", { replicaz: 1 })), contentType: "application/apply-patch+yaml" });
    assert.equal(one.body.message, "failed to create typed patch object (/applied; apps/v1, Kind=Deployment): .spec.replicaz: field not declared in schema");
    const ok = await t.send("PATCH", `${DEPLOYS}/applied?fieldManager=test`, { body: JSON.stringify(deployment("applied")), contentType: "application/apply-patch+yaml" });
    assert.equal(ok.status, 201, ok.text);
  });

  test("kubectl create -f shows the server's strict decoding error", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-fieldvalidation-"));
    try {
      const kubeconfig = join(dir, "kubeconfig");
      await writeFile(kubeconfig, t.cluster.kubeconfig({ namespace: "fv" }));
      await writeFile(join(dir, "d.json"), JSON.stringify(deployment("kubectl", {}, { imagePullPolic: "Always" })));
      const failed = await run("kubectl", ["--kubeconfig", kubeconfig, "create", "-f", join(dir, "d.json")]).then(() => "", (e: { stderr: string }) => e.stderr);
      assert.match(failed, /Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolic"/);
      const { stderr } = await run("kubectl", ["--kubeconfig", kubeconfig, "create", "--validate=warn", "-f", join(dir, "d.json")]);
      assert.match(stderr, /Warning: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolic"/);
      const applied = await run("kubectl", ["--kubeconfig", kubeconfig, "apply", "--server-side", "-f", join(dir, "d.json")]).then(() => "", (e: { stderr: string }) => e.stderr);
      assert.match(applied, /Error from server: failed to create typed patch object \(fv\/kubectl; apps\/v1, Kind=Deployment\): \.spec\.template\.spec\.containers\[name="app"\]\.imagePullPolic: field not declared in schema/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
