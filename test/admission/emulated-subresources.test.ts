/**
 * Webhooks on subresources, called by the emulated cluster as a 1.32 server calls them: a
 * validating one on `deployments/scale` refuses a `kubectl scale`-style PATCH and a PUT of the
 * Scale (reviewed as autoscaling/v1 Scale of apps/v1 deployments, old and new Scales) and is not
 * called for a plain update, nor is one with an objectSelector (a Scale carries no labels); one
 * on a custom resource's scale sees a Scale too; a mutating one changes the replicas written;
 * one on `pods/eviction` refuses an eviction (a CREATE of the policy/v1 Eviction, named as the
 * pod); one on `pods/status` sees the whole pods of a status write, where a `pods` rule is not
 * called; one on `serviceaccounts/token` sees the TokenRequest (a mutating one with its
 * expirationSeconds defaulted); one on `pods/exec` refuses the CONNECT before the pod is looked
 * at, and the container a mutating one names is the one connected to. A CONNECT's options are
 * what the parameter codec decodes (a boolean true unless `0` or `false`; ports split at
 * commas, one that does not parse a 400 no webhook sees).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:https";
import { defineFunction } from "../../runtime/function.js";
import { KubeApiError, KubeNotFoundError } from "../../runtime/kube/errors.js";
import type { AdmissionRequest } from "../../runtime/admission/review.js";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";

type Obj = Record<string, any>;

/** A raw request as the admin, for what the client has no method for (a PUT of a Scale, exec). */
function send(h: Harness, method: string, path: string, body?: unknown, contentType = "application/json"): Promise<{ status: number; body: Obj }> {
  const { url, caPem, adminToken } = h.cluster;
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, ca: caPem, headers: { authorization: `Bearer ${adminToken}`, "content-type": contentType } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Obj }));
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const denied = (pattern: RegExp) => (error: unknown) => error instanceof KubeApiError && pattern.test(error.message);

const deployment = (name: string, replicas: number) => ({
  metadata: { name, labels: { app: name } },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image: "nginx" }] } } },
});
const pod = (name: string) => ({ metadata: { name, labels: { app: name } }, spec: { containers: [{ name: "app", image: "nginx" }] } });

describe("webhooks on deployments/scale", () => {
  const seen: AdmissionRequest[] = [];
  const labelled: AdmissionRequest[] = [];
  const atMostFive = defineFunction({
    name: "at-most-five",
    admission: { type: "validating", rules: [{ operations: ["UPDATE"], resource: "deployments.apps/scale" }] },
    handler({ trigger }) {
      seen.push(trigger.request);
      const replicas = (trigger.request.object as Obj).spec?.replicas ?? 0;
      return replicas <= 5 ? { allowed: true } : { allowed: false, code: 403, message: `${replicas} replicas: at most 5` };
    },
  });
  // Its objectSelector matches the Deployment's labels, never a Scale's (it has none).
  const byLabel = defineFunction({
    name: "scale-by-label",
    admission: { type: "validating", rules: [{ operations: ["UPDATE"], resource: "deployments.apps/scale" }], objectSelector: { matchLabels: { app: "web" } } },
    handler({ trigger }) {
      labelled.push(trigger.request);
      return { allowed: false, message: "never called" };
    },
  });
  let h: Harness;
  const apps = () => h.admin.with({ namespace: "apps" });
  before(async () => {
    h = await startHarness();
    await h.admin.namespaces.create({ metadata: { name: "apps" } });
    for (const fn of [atMostFive, byLabel]) await (await h.deploy(fn)).registerWebhook();
    await apps().deployments.create(deployment("web", 2));
  });
  after(() => h.stop());

  test("a scale PATCH beyond the limit is refused, reviewed as the Scale; one within it is written", async () => {
    await assert.rejects(apps().deployments.scale("web", 9), denied(/admission webhook "at-most-five\.[^"]+" denied the request: 9 replicas: at most 5/));
    assert.equal((await apps().deployments.get("web")).spec?.replicas, 2);
    const review = seen.at(-1)!;
    assert.deepEqual(review.kind, { group: "autoscaling", version: "v1", kind: "Scale" });
    assert.deepEqual(review.resource, { group: "apps", version: "v1", resource: "deployments" });
    assert.equal(review.subResource, "scale");
    assert.deepEqual(review.requestKind, review.kind);
    assert.deepEqual(review.requestResource, review.resource);
    assert.equal(review.requestSubResource, "scale");
    assert.equal(review.operation, "UPDATE");
    assert.equal(review.name, "web");
    assert.equal(review.namespace, "apps");
    assert.equal(review.dryRun, false);
    const object = review.object as Obj;
    const old = review.oldObject as Obj;
    assert.equal(object.kind, "Scale");
    assert.equal(object.apiVersion, "autoscaling/v1");
    assert.equal(object.spec.replicas, 9);
    assert.equal(old.kind, "Scale");
    assert.equal(old.spec.replicas, 2);
    assert.equal(old.status.selector, "app=web");
    assert.equal(object.metadata.labels, undefined);
    assert.equal((review.options as Obj).kind, "UpdateOptions");
    const scaled = await apps().deployments.scale("web", 4);
    assert.equal(scaled.spec?.replicas, 4);
    assert.equal((await apps().deployments.get("web")).spec?.replicas, 4);
    assert.equal(labelled.length, 0);
  });

  test("a PUT of the Scale beyond the limit is refused with the webhook's Status", async () => {
    const scale = await apps().deployments.getScale("web");
    const answer = await send(h, "PUT", "/apis/apps/v1/namespaces/apps/deployments/web/scale", { ...scale, spec: { replicas: 7 } });
    assert.equal(answer.status, 403);
    assert.equal(answer.body.kind, "Status");
    assert.match(answer.body.message, /^admission webhook "at-most-five\.[^"]+" denied the request: 7 replicas: at most 5$/);
    assert.equal((await apps().deployments.get("web")).spec?.replicas, 4);
  });

  test("a plain update of the Deployment does not reach a scale rule", async () => {
    const calls = seen.length;
    const current = await apps().deployments.get("web");
    await apps().deployments.replace({ ...current, spec: { ...current.spec!, replicas: 8 } });
    assert.equal(seen.length, calls);
    assert.equal((await apps().deployments.get("web")).spec?.replicas, 8);
  });
});

describe("a webhook on a custom resource's scale", () => {
  const seen: AdmissionRequest[] = [];
  const atMostTwo = defineFunction({
    name: "backups-at-most-two",
    admission: { type: "validating", rules: [{ operations: ["UPDATE"], resource: { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true, subresource: "scale" } }] },
    handler({ trigger }) {
      seen.push(trigger.request);
      const replicas = (trigger.request.object as Obj).spec?.replicas ?? 0;
      return replicas <= 2 ? { allowed: true } : { allowed: false, message: `${replicas} backup replicas: at most 2` };
    },
  });
  let h: Harness;
  const path = "/apis/ops.example.com/v1/namespaces/apps/backups/nightly";
  before(async () => {
    h = await startHarness();
    await h.admin.namespaces.create({ metadata: { name: "apps" } });
    const scale = { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" };
    const schema = { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } };
    const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "backups.ops.example.com" }, spec: { group: "ops.example.com", scope: "Namespaced", names: { plural: "backups", kind: "Backup" }, versions: [{ name: "v1", served: true, storage: true, schema, subresources: { status: {}, scale } }] } };
    assert.equal((await send(h, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)).status, 201);
    await until(async () => (await send(h, "GET", "/apis/ops.example.com/v1/namespaces/apps/backups")).status === 200, "the Backup CRD to be served");
    assert.equal((await send(h, "POST", "/apis/ops.example.com/v1/namespaces/apps/backups", { apiVersion: "ops.example.com/v1", kind: "Backup", metadata: { name: "nightly" }, spec: { replicas: 1 } })).status, 201);
    await (await h.deploy(atMostTwo)).registerWebhook();
  });
  after(() => h.stop());

  test("a scale beyond the limit is refused, reviewed as a Scale of the custom resource", async () => {
    const refused = await send(h, "PATCH", `${path}/scale`, { spec: { replicas: 5 } }, "application/merge-patch+json");
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /^admission webhook "backups-at-most-two\.[^"]+" denied the request: 5 backup replicas: at most 2$/);
    const review = seen.at(-1)!;
    assert.deepEqual(review.kind, { group: "autoscaling", version: "v1", kind: "Scale" });
    assert.deepEqual(review.resource, { group: "ops.example.com", version: "v1", resource: "backups" });
    assert.equal(review.subResource, "scale");
    assert.equal((review.oldObject as Obj).spec.replicas, 1);
    assert.equal((await send(h, "GET", path)).body.spec.replicas, 1);
    assert.equal((await send(h, "PATCH", `${path}/scale`, { spec: { replicas: 2 } }, "application/merge-patch+json")).status, 200);
    assert.equal((await send(h, "GET", path)).body.spec.replicas, 2);
  });
});

describe("a mutating webhook on scale", () => {
  const capAtThree = defineFunction({
    name: "cap-at-three",
    admission: { type: "mutating", rules: [{ operations: ["UPDATE"], resource: "deployments.apps/scale" }] },
    handler({ trigger }) {
      const scale = trigger.request.object as Obj;
      return { allowed: true, object: { ...scale, spec: { ...scale.spec, replicas: Math.min(scale.spec?.replicas ?? 0, 3) } } };
    },
  });
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await h.admin.namespaces.create({ metadata: { name: "apps" } });
    await (await h.deploy(capAtThree)).registerWebhook();
  });
  after(() => h.stop());

  test("the replicas it sets are the ones written, and answered", async () => {
    const apps = h.admin.with({ namespace: "apps" });
    await apps.deployments.create(deployment("web", 1));
    const scaled = await apps.deployments.scale("web", 10);
    assert.equal(scaled.spec?.replicas, 3);
    assert.equal((await apps.deployments.get("web")).spec?.replicas, 3);
  });
});

describe("webhooks on pods: eviction, status, exec", () => {
  const evictions: AdmissionRequest[] = [];
  const statuses: AdmissionRequest[] = [];
  const podUpdates: AdmissionRequest[] = [];
  const tokens: AdmissionRequest[] = [];
  const keepProtected = defineFunction({
    name: "keep-protected",
    admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "pods/eviction" }] },
    handler({ trigger }) {
      evictions.push(trigger.request);
      return trigger.request.name === "protected" ? { allowed: false, code: 403, message: "this pod stays" } : { allowed: true };
    },
  });
  const watchStatus = defineFunction({
    name: "watch-status",
    admission: { type: "validating", rules: [{ operations: ["UPDATE"], resource: "pods/status" }] },
    handler({ trigger }) {
      statuses.push(trigger.request);
      return { allowed: true };
    },
  });
  const watchPods = defineFunction({
    name: "watch-pods",
    admission: { type: "validating", rules: [{ operations: ["UPDATE"], resource: "pods" }] },
    handler({ trigger }) {
      podUpdates.push(trigger.request);
      return { allowed: true };
    },
  });
  const shortTokens = defineFunction({
    name: "short-tokens",
    admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "serviceaccounts/token" }] },
    handler({ trigger }) {
      tokens.push(trigger.request);
      const seconds = (trigger.request.object as Obj).spec?.expirationSeconds;
      return seconds <= 3600 ? { allowed: true } : { allowed: false, message: `${seconds}s: tokens last at most an hour` };
    },
  });
  const mutatingTokens: AdmissionRequest[] = [];
  const seeTokens = defineFunction({
    name: "see-tokens",
    admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "serviceaccounts/token" }] },
    handler({ trigger }) {
      mutatingTokens.push(trigger.request);
      return { allowed: true };
    },
  });
  const execs: AdmissionRequest[] = [];
  const noExec = defineFunction({
    name: "no-exec",
    admission: { type: "validating", rules: [{ operations: ["CONNECT"], resource: "pods/exec" }] },
    handler({ trigger }) {
      execs.push(trigger.request);
      return { allowed: false, message: `no ${trigger.request.subResource} into ${trigger.request.name}: ${JSON.stringify((trigger.request.object as Obj).command)}` };
    },
  });
  const forwards: AdmissionRequest[] = [];
  const noPortForward = defineFunction({
    name: "no-portforward",
    admission: { type: "validating", rules: [{ operations: ["CONNECT"], resource: "pods/portforward" }] },
    handler({ trigger }) {
      forwards.push(trigger.request);
      return { allowed: false, message: "no port forwarding" };
    },
  });
  let h: Harness;
  const apps = () => h.admin.with({ namespace: "apps" });
  before(async () => {
    h = await startHarness();
    await h.admin.namespaces.create({ metadata: { name: "apps" } });
    for (const fn of [keepProtected, watchStatus, watchPods, shortTokens, seeTokens, noExec, noPortForward]) await (await h.deploy(fn)).registerWebhook();
  });
  after(() => h.stop());

  test("an eviction it refuses leaves the pod; the review is the Eviction's CREATE", async () => {
    await apps().pods.create(pod("protected"));
    await assert.rejects(apps().pods.evict("protected"), denied(/admission webhook "keep-protected\.[^"]+" denied the request: this pod stays/));
    assert.equal((await apps().pods.get("protected")).metadata?.name, "protected");
    const review = evictions.at(-1)!;
    assert.deepEqual(review.kind, { group: "policy", version: "v1", kind: "Eviction" });
    assert.deepEqual(review.resource, { group: "", version: "v1", resource: "pods" });
    assert.equal(review.subResource, "eviction");
    assert.equal(review.requestSubResource, "eviction");
    assert.equal(review.operation, "CREATE");
    assert.equal(review.name, "protected");
    assert.equal(review.namespace, "apps");
    assert.equal((review.object as Obj).kind, "Eviction");
    assert.equal((review.object as Obj).metadata.name, "protected");
    assert.equal(review.oldObject ?? null, null);
    assert.equal((review.options as Obj).kind, "CreateOptions");
    await apps().pods.create(pod("free"));
    await apps().pods.evict("free");
    await assert.rejects(apps().pods.get("free"), KubeNotFoundError);
  });

  test("a status write reaches the pods/status rule with the whole pods, not the pods rule", async () => {
    await apps().pods.create(pod("s"));
    const calls = podUpdates.length;
    await apps().pods.patchStatus("s", { status: { phase: "Running" } });
    const review = statuses.at(-1)!;
    assert.deepEqual(review.kind, { group: "", version: "v1", kind: "Pod" });
    assert.equal(review.subResource, "status");
    assert.equal(review.operation, "UPDATE");
    assert.equal(review.name, "s");
    assert.equal((review.object as Obj).status.phase, "Running");
    assert.equal((review.object as Obj).spec.containers[0].image, "nginx");
    assert.notEqual((review.oldObject as Obj).status?.phase, "Running");
    assert.equal((review.options as Obj).kind, "UpdateOptions");
    assert.equal(podUpdates.length, calls);
  });

  test("a TokenRequest is reviewed as one: a long one is refused", async () => {
    await apps().serviceAccounts.create({ metadata: { name: "robot" } });
    const path = "/api/v1/namespaces/apps/serviceaccounts/robot/token";
    const refused = await send(h, "POST", path, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 7200 } });
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /denied the request: 7200s: tokens last at most an hour$/);
    const review = tokens.at(-1)!;
    assert.deepEqual(review.kind, { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" });
    assert.deepEqual(review.resource, { group: "", version: "v1", resource: "serviceaccounts" });
    assert.equal(review.subResource, "token");
    assert.equal(review.name, "robot");
    assert.equal((review.object as Obj).metadata.name, "robot");
    assert.equal((await send(h, "POST", path, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 600 } })).status, 201);
  });

  test("a mutating webhook sees the TokenRequest defaulted at decoding: expirationSeconds 3600 when none is asked for", async () => {
    await apps().serviceAccounts.create({ metadata: { name: "defaulted" } });
    const path = "/api/v1/namespaces/apps/serviceaccounts/defaulted/token";
    for (const body of [{ spec: {} }, {}, { spec: { audiences: ["a"], expirationSeconds: null } }]) {
      const answer = await send(h, "POST", path, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", ...body });
      assert.equal(answer.status, 201, JSON.stringify(body));
      assert.equal((mutatingTokens.at(-1)!.object as Obj).spec.expirationSeconds, 3600, JSON.stringify(body));
    }
  });

  test("an exec is a CONNECT its webhook refuses before the pod is looked at", async () => {
    const answer = await send(h, "POST", "/api/v1/namespaces/apps/pods/missing/exec?command=sh&container=app&stdin=true&tty=true");
    assert.equal(answer.status, 400);
    assert.match(answer.body.message, /^admission webhook "no-exec\.[^"]+" denied the request: no exec into missing: \["sh"\]$/);
  });

  test("an exec's booleans are read as the parameter codec reads them: any value but 0 or false (any case) is true, an empty one too", async () => {
    const answer = await send(h, "POST", "/api/v1/namespaces/apps/pods/missing/exec?command=sh&stdin=yes&stdout=&stderr=FALSE&tty=on");
    assert.equal(answer.status, 400);
    assert.deepEqual(execs.at(-1)!.object, { kind: "PodExecOptions", apiVersion: "v1", stdin: true, stdout: true, tty: true, command: ["sh"] });
  });

  test("a portforward's ports are each value split at commas; one that does not parse is a 400 no webhook sees", async () => {
    const path = "/api/v1/namespaces/apps/pods/missing/portforward";
    assert.match((await send(h, "POST", `${path}?ports=8080,9090&ports=22`)).body.message, /denied the request: no port forwarding$/);
    assert.deepEqual(forwards.at(-1)!.object, { kind: "PodPortForwardOptions", apiVersion: "v1", ports: [8080, 9090, 22] });
    const calls = forwards.length;
    const bad = await send(h, "POST", `${path}?ports=8080,abc`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, 'cannot convert to []int32: strconv.ParseUint: parsing "abc": invalid syntax');
    assert.equal(forwards.length, calls);
  });
});

describe("a mutating webhook on pods/exec", () => {
  const pickContainer = defineFunction({
    name: "pick-container",
    admission: { type: "mutating", rules: [{ operations: ["CONNECT"], resource: "pods/exec" }] },
    handler({ trigger }) {
      const options: Obj = { ...(trigger.request.object as Obj), container: "b" };
      return { allowed: true, object: options };
    },
  });
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await h.admin.namespaces.create({ metadata: { name: "apps" } });
    await (await h.deploy(pickContainer)).registerWebhook();
    await h.admin.with({ namespace: "apps" }).pods.create({ metadata: { name: "two" }, spec: { containers: [{ name: "a", image: "x" }, { name: "b", image: "x" }] } });
  });
  after(() => h.stop());

  test("the container it sets is the one the exec connects to (ConnectResource passes the admitted options on)", async () => {
    const named = await send(h, "POST", "/api/v1/namespaces/apps/pods/two/exec?command=sh&stdout=true");
    assert.equal(named.status, 400);
    assert.equal(named.body.message, "pod two does not have a host assigned");
    const renamed = await send(h, "POST", "/api/v1/namespaces/apps/pods/two/exec?command=sh&container=nope");
    assert.equal(renamed.body.message, "pod two does not have a host assigned");
  });
});
