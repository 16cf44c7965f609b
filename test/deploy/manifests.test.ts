import { test } from "node:test";
import assert from "node:assert/strict";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { CronJob } from "kubernetes-types/batch/v1.js";
import type { PodSpec, Service } from "kubernetes-types/core/v1.js";
import { parseAllDocuments } from "yaml";
import { generateManifests, renderManifests } from "../../runtime/deploy/index.js";
import { defineFunction, type FunctionDefinition } from "../../runtime/function.js";
import { resolveDefinition } from "../../runtime/definition-schema.js";
import { PodfnError } from "../../runtime/errors.js";
import type { KubeObject } from "../../runtime/kube/api.js";
import { loaded } from "./helpers.js";
import { validateObject } from "./validate.js";

const SHAPES: FunctionDefinition[] = [
  { name: "hook", http: { auth: { type: "hmac", secret: "github-webhook" } }, permissions: [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] }], handler() {} },
  { name: "api", http: { method: "GET", auth: { type: "bearer", secret: "api-token" } }, handler() {} },
  { name: "internal", http: { auth: { type: "serviceAccount", allow: ["system:serviceaccount:ops:caller"] } }, handler() {} },
  { name: "tick", schedule: { cron: "*/5 * * * *", mode: "in-process" }, handler() {} },
  {
    name: "cleanup-finished-jobs-with-a-long-function-name-x",
    timeoutMs: 90_500,
    permissions: [{ apiGroups: ["batch"], resources: ["jobs"], verbs: ["list", "delete"] }, { apiGroups: [""], resources: ["nodes"], verbs: ["get"] }],
    schedule: [
      { cron: "0 * * * *", name: "hourly", timeZone: "Europe/Paris", input: { olderThanHours: 1 }, startingDeadlineSeconds: 120 },
      { cron: "0 3 * * *", name: "nightly", concurrencyPolicy: "Replace" },
    ],
    handler() {},
  },
  { name: "noop", schedule: { cron: "@daily" }, handler() {} },
];
const functions = SHAPES.map(loaded);
const OPTIONS = { namespace: "ops", image: "registry.example/podfn:1.2.3", pdb: true, maxReplicas: 5 };
const objects = generateManifests(functions, OPTIONS).flatMap((g) => g.objects);
const byKind = <T>(kind: string) => objects.filter((o) => o.kind === kind) as T[];

test("every generated object passes the Kubernetes schema", () => {
  assert.ok(objects.length > 10);
  for (const object of objects) validateObject(object);
  for (const object of generateManifests(functions).flatMap((g) => g.objects)) validateObject(object);
});

test("the schema check does catch a broken object", () => {
  const broken = structuredClone(byKind<Deployment>("Deployment")[0]!) as unknown as { spec: { replicas: unknown } };
  broken.spec.replicas = "two";
  assert.throws(() => validateObject(broken as KubeObject), /replicas/);
});

test("two runs give byte-identical files, whatever the order of the functions", () => {
  const first = renderManifests(functions, OPTIONS);
  const second = renderManifests([...functions].reverse(), OPTIONS);
  assert.deepEqual(second, first);
  assert.deepEqual(first.map((f) => f.path), [
    "Kustomization",
    "cronjob-cleanup-finished-jobs-with-a-long-function-name-x.yaml",
    "cronjob-noop.yaml",
    "http.yaml",
  ]);
  const kustomization = parseAllDocuments(first.find((f) => f.path === "Kustomization")!.content)[0]!.toJSON();
  assert.deepEqual(kustomization.resources, first.filter((f) => f.path !== "Kustomization").map((f) => f.path));
});

test("the YAML holds exactly the typed objects", () => {
  const parsed = renderManifests(functions, OPTIONS)
    .filter((f) => f.path !== "Kustomization")
    .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJSON() as KubeObject));
  const key = (o: KubeObject) => `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
  assert.deepEqual(parsed.map(key).sort(), objects.map(key).sort());
  assert.deepEqual(parsed.find((o) => o.kind === "Deployment"), JSON.parse(JSON.stringify(byKind<Deployment>("Deployment")[0])));
});

function assertHardened(spec: PodSpec, what: string) {
  assert.equal(spec.securityContext?.runAsNonRoot, true, what);
  assert.ok((spec.securityContext?.runAsUser ?? 0) > 0, what);
  assert.deepEqual(spec.securityContext?.seccompProfile, { type: "RuntimeDefault" }, what);
  for (const c of spec.containers) {
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true, what);
    assert.equal(c.securityContext?.allowPrivilegeEscalation, false, what);
    assert.deepEqual(c.securityContext?.capabilities?.drop, ["ALL"], what);
    assert.ok(c.resources?.requests && c.resources.limits, what);
    assert.ok(c.volumeMounts?.some((m) => m.mountPath === "/tmp"), what);
    assert.ok(!c.env?.some((e) => e.valueFrom?.secretKeyRef), `${what}: no secret in the environment`);
    assert.equal(c.imagePullPolicy, "IfNotPresent", `${what}: the pull policy is explicit, not the server's default`);
    assert.equal(c.terminationMessagePolicy, "FallbackToLogsOnError", `${what}: a process killed before writing its termination message leaves its log's end there`);
  }
  assert.ok(spec.volumes?.some((v) => v.name === "tmp" && v.emptyDir), what);
  const delayMs = Number(spec.containers[0]!.env?.find((e) => e.name === "PODFN_SHUTDOWN_DELAY_MS")?.value ?? 0);
  assert.ok((spec.terminationGracePeriodSeconds ?? 0) > 25 + delayMs / 1000, `${what}: grace period above the shutdown delay and the 25 s drain`);
}

test("the Deployment: probes, scrape annotations, downward API, hardening, secrets as files", () => {
  const [deployment] = byKind<Deployment>("Deployment");
  const pod = deployment!.spec!.template.spec!;
  assertHardened(pod, "Deployment");
  const container = pod.containers[0]!;
  assert.equal(container.readinessProbe?.httpGet?.path, "/readyz");
  assert.equal(container.livenessProbe?.httpGet?.path, "/healthz");
  assert.deepEqual(container.args, ["serve"]);
  assert.equal(container.image, OPTIONS.image);
  // Probes and scrapes on the admin port, which the Service (and so an Ingress) does not expose.
  assert.deepEqual(deployment!.spec!.template.metadata?.annotations, { "prometheus.io/path": "/metrics", "prometheus.io/port": "9090", "prometheus.io/scrape": "true" });
  assert.equal(container.readinessProbe?.httpGet?.port, "admin");
  assert.equal(container.livenessProbe?.httpGet?.port, "admin");
  assert.deepEqual(container.ports?.map((p) => [p.name, p.containerPort]), [["http", 8080], ["admin", 9090]]);
  assert.equal(container.env?.find((e) => e.name === "PODFN_ADMIN_PORT")?.value, "9090");
  const service = byKind("Service")[0] as Service;
  assert.deepEqual(service.spec?.ports?.map((p) => p.targetPort), ["http"]);
  assert.equal(container.env?.find((e) => e.name === "POD_NAME")?.valueFrom?.fieldRef?.fieldPath, "metadata.name");
  assert.equal(container.env?.find((e) => e.name === "POD_NAMESPACE")?.valueFrom?.fieldRef?.fieldPath, "metadata.namespace");
  // Serving on for 5 s after SIGTERM, while endpoints drop the pod; the drain is as long as the
  // longest HTTP call may run (30 s, the default timeoutMs); the grace period covers those, two
  // 2 s abort graces, the hooks' 5 s and 3 s to close.
  assert.equal(container.env?.find((e) => e.name === "PODFN_SHUTDOWN_DELAY_MS")?.value, "5000");
  assert.equal(container.env?.find((e) => e.name === "PODFN_DRAIN_TIMEOUT_MS")?.value, "30000");
  assert.equal(pod.terminationGracePeriodSeconds, 47);
  assert.equal(pod.automountServiceAccountToken, true, "it calls the API (permissions, TokenReview, Lease)");
  const projected = pod.volumes?.find((v) => v.projected)?.projected;
  assert.deepEqual(projected?.sources?.map((s) => [s.secret?.name, s.secret?.optional, s.secret?.items?.[0]?.path]), [
    ["api-token", false, "api-token"],
    ["github-webhook", false, "github-webhook"],
  ]);
  assert.ok(container.volumeMounts?.some((m) => m.mountPath === "/var/run/secrets/podfn" && m.readOnly));
  assert.equal(deployment!.spec!.replicas, undefined, "the HPA owns replicas");
  // Spread over nodes where it can be (a drain of one node leaves the others), never refused for it.
  // Spread over zones and nodes where there are several (a one-node, one-zone cluster runs them all).
  assert.deepEqual(
    deployment!.spec!.template.spec!.topologySpreadConstraints,
    ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: deployment!.spec!.selector.matchLabels } })),
  );
  assert.equal(byKind("HorizontalPodAutoscaler").length, 1);
  // A pod that is not ready never blocks a drain.
  assert.equal((byKind("PodDisruptionBudget")[0] as PodDisruptionBudget).spec?.unhealthyPodEvictionPolicy, "AlwaysAllow");
  assert.equal(byKind("Service").length, 1);
});

test("a PodDisruptionBudget over a Deployment that never has two replicas is refused, naming the flag to change", () => {
  for (const [options, flag] of [
    [{ pdb: true, replicas: 1 }, "--replicas"],
    [{ pdb: true, replicas: 1, maxReplicas: 1 }, "--max-replicas"],
  ] as const) {
    assert.throws(() => generateManifests(functions, options), (e: unknown) => e instanceof PodfnError && e.code === "config_invalid" && e.message.includes(`--pdb with one replica protects nothing`) && e.message.endsWith(`use ${flag} 2 or more`), JSON.stringify(options));
  }
  // Two replicas, or an autoscaler that may scale one up to more: the budget protects them.
  for (const options of [{ pdb: true, replicas: 2 }, { pdb: true, replicas: 1, maxReplicas: 5 }]) {
    assert.ok(generateManifests(functions, options).flatMap((g) => g.objects).some((o) => o.kind === "PodDisruptionBudget"), JSON.stringify(options));
  }
});

test("an autoscaler whose maximum is below its minimum (--replicas) is refused, not quietly lowered", () => {
  assert.throws(() => generateManifests(functions, { replicas: 5, maxReplicas: 3 }), (e: unknown) => e instanceof PodfnError && e.code === "config_invalid" && e.message === "--max-replicas 3 is below --replicas 5 (the autoscaler's minimum): raise --max-replicas or lower --replicas");
  assert.throws(() => generateManifests(functions, { maxReplicas: 1 }), (e: unknown) => e instanceof PodfnError && e.message.startsWith("--max-replicas 1 is below --replicas 2 (the autoscaler's minimum, 2 by default)"));
  const hpa = generateManifests(functions, { replicas: 3, maxReplicas: 3 }).flatMap((g) => g.objects).find((o) => o.kind === "HorizontalPodAutoscaler") as { spec: { minReplicas: number; maxReplicas: number } };
  assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [3, 3]);
});

test("without options: 2 replicas, no PDB, no HPA", () => {
  const plain = generateManifests([loaded(SHAPES[1]!)]).flatMap((g) => g.objects);
  assert.equal((plain.find((o) => o.kind === "Deployment") as Deployment).spec?.replicas, 2);
  assert.equal(plain.some((o) => o.kind === "PodDisruptionBudget" || o.kind === "HorizontalPodAutoscaler"), false);
  const pod = (plain.find((o) => o.kind === "Deployment") as Deployment).spec!.template.spec!;
  assert.equal(pod.automountServiceAccountToken, false, "a bearer-only HTTP function never calls the API");
});

test("CronJobs: one per schedule, valid names, `podfn run NAME --schedule S`, its policies (disruptions ignored, history kept) and deadlines", () => {
  const cronJobs = byKind<CronJob>("CronJob");
  assert.equal(cronJobs.length, 3);
  for (const cj of cronJobs) {
    assert.ok(cj.metadata!.name!.length <= 52, cj.metadata!.name);
    assert.match(cj.metadata!.name!, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    const pod = cj.spec!.jobTemplate.spec!.template.spec!;
    assertHardened(pod, cj.metadata!.name!);
    assert.equal(pod.restartPolicy, "Never");
    // A failed run fails its Job at once, but one the API server could not answer (exit 5) is tried twice more.
    assert.equal(cj.spec!.jobTemplate.spec!.backoffLimit, 2);
    // Kept by the history limits (no TTL deleting a failed run's Job and logs a day later).
    assert.equal(cj.spec!.jobTemplate.spec!.ttlSecondsAfterFinished, undefined);
    assert.equal(cj.spec!.failedJobsHistoryLimit, 3);
    // A pod disrupted mid-run (drain, preemption, eviction) is replaced, not counted as the run failing.
    assert.deepEqual(cj.spec!.jobTemplate.spec!.podFailurePolicy, {
      rules: [
        { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
        { action: "FailJob", onExitCodes: { operator: "NotIn", values: [5] } },
      ],
    });
  }
  const hourly = cronJobs.find((c) => c.spec!.schedule === "0 * * * *")!;
  assert.deepEqual(hourly.spec!.jobTemplate.spec!.template.spec!.containers[0]!.args, ["run", "cleanup-finished-jobs-with-a-long-function-name-x", "--schedule", "hourly"]);
  assert.equal(hourly.spec!.timeZone, "Europe/Paris");
  assert.equal(hourly.spec!.startingDeadlineSeconds, 120);
  assert.equal(hourly.spec!.concurrencyPolicy, "Forbid");
  assert.equal(hourly.spec!.jobTemplate.spec!.activeDeadlineSeconds, 3 * 91 + 30 + 300, "the timeout for the run and each of its two exit-5 retries, their 10 s and 20 s backoff, and 5 minutes for scheduling, image pull and start-up");
  const nightly = cronJobs.find((c) => c.spec!.schedule === "0 3 * * *")!;
  assert.equal(nightly.spec!.concurrencyPolicy, "Replace");
  assert.notEqual(nightly.metadata!.name, hourly.metadata!.name);
  assert.equal(hourly.spec!.jobTemplate.spec!.template.spec!.serviceAccountName, nightly.spec!.jobTemplate.spec!.template.spec!.serviceAccountName, "one ServiceAccount per function");
  const noop = cronJobs.find((c) => c.spec!.schedule === "@daily")!;
  assert.equal(noop.metadata!.name, "podfn-noop");
  assert.equal(noop.spec!.timeZone, "Etc/UTC", "a schedule without timeZone runs in UTC, not the controller-manager's zone");
  assert.equal(noop.spec!.jobTemplate.spec!.template.spec!.automountServiceAccountToken, false, "no permissions: no token");
});

test("in-process schedules run in the Deployment, not as CronJobs", () => {
  const tickOnly = generateManifests([loaded(SHAPES[3]!)]).flatMap((g) => g.objects);
  assert.equal(tickOnly.some((o) => o.kind === "CronJob"), false);
  const env = (tickOnly.find((o) => o.kind === "Deployment") as Deployment).spec!.template.spec!.containers[0]!.env!;
  assert.equal(env.find((e) => e.name === "PODFN_APP")?.value, "podfn");
});

test("no functions: just an empty kustomization", () => {
  assert.deepEqual(renderManifests([]).map((f) => f.path), ["Kustomization"]);
});

test("two functions whose joined CronJob names meet are refused, naming both", () => {
  const every = (name: string) => ({ cron: "0 * * * *", name });
  const a = loaded({ name: "a", schedule: [every("b-c"), every("x")], handler() {} });
  const ab = loaded({ name: "a-b", schedule: [every("c"), every("y")], handler() {} });
  assert.throws(
    () => generateManifests([a, ab]),
    (e: unknown) => e instanceof PodfnError && e.code === "manifest_name_conflict" && e.message.includes('function "a" (schedule "b-c")') && e.message.includes('function "a-b" (schedule "c")') && e.message.includes('CronJob "podfn-a-b-c"'),
  );
});

test("a function named http is refused at load: its objects would be the HTTP workload's", () => {
  const result = resolveDefinition(defineFunction({ name: "http", schedule: { cron: "0 * * * *" }, handler() {} }), "functions/http.ts");
  assert.equal(result.ok, false);
  assert.match(result.ok ? "" : result.problems.join("; "), /^name: is reserved: "http" names the HTTP workload's objects/);
});

test("a function that calls the API without RBAC (kubeApi: true) still gets its token mounted", () => {
  const alone = loaded({ name: "whoami-like", kubeApi: true, http: { method: "GET", auth: { type: "bearer", secret: "api-token" } }, handler: () => 1 });
  const objects = generateManifests([alone]).flatMap((g) => g.objects);
  const pod = (objects.find((o) => o.kind === "Deployment") as Deployment).spec!.template.spec!;
  assert.equal(pod.automountServiceAccountToken, true);
  assert.equal(objects.some((o) => o.kind === "Role"), false, "and no Role: it declares no permissions");
});

test("a bearer secret read from a variable (env) is set in the Deployment from its Secret, and not mounted as a file", () => {
  const fromEnv = loaded({ name: "ci-hook", http: { auth: { type: "bearer", secret: "ci-token", env: "CI_TOKEN" } }, handler: () => 1 });
  const objects = generateManifests([fromEnv]).flatMap((g) => g.objects);
  for (const o of objects) validateObject(o);
  const pod = (objects.find((o) => o.kind === "Deployment") as Deployment).spec!.template.spec!;
  const variable = pod.containers[0]!.env?.find((e) => e.name === "CI_TOKEN");
  assert.deepEqual(variable, { name: "CI_TOKEN", valueFrom: { secretKeyRef: { name: "ci-token", key: "value" } } });
  assert.equal(pod.volumes?.some((v) => v.name === "podfn-secrets"), false);
  // One variable holds one secret: two functions reading it for different secrets are refused, naming both.
  const other = loaded({ name: "cd-hook", http: { auth: { type: "bearer", secret: "cd-token", env: "CI_TOKEN" } }, handler: () => 1 });
  assert.throws(() => generateManifests([fromEnv, other]), (e: unknown) => e instanceof PodfnError && e.code === "definition_invalid" && /cd-hook and ci-hook read the variable CI_TOKEN for different secrets/.test(e.message));
});

test("the Secrets a function declares in secrets are mounted as files into the pods that run it: its CronJob's, and the HTTP Deployment's beside its callers' secret", () => {
  const notify = loaded({ name: "notify", secrets: ["slack-webhook-url"], schedule: { cron: "0 * * * *" }, handler: () => 1 });
  const hook = loaded({ name: "hook", secrets: ["pager-token"], http: { auth: { type: "bearer", secret: "api-token" } }, handler: () => 1 });
  const objects = generateManifests([notify, hook]).flatMap((g) => g.objects);
  for (const o of objects) validateObject(o);
  const sources = (pod: PodSpec) => pod.volumes?.find((v) => v.name === "podfn-secrets")?.projected?.sources?.map((s) => s.secret);
  const mounted = (pod: PodSpec) => pod.containers[0]!.volumeMounts?.find((m) => m.name === "podfn-secrets");
  const cron = (objects.find((o) => o.kind === "CronJob") as CronJob).spec!.jobTemplate.spec!.template.spec!;
  assert.deepEqual(sources(cron), [{ name: "slack-webhook-url", optional: false, items: [{ key: "value", path: "slack-webhook-url" }] }]);
  assert.deepEqual(mounted(cron), { name: "podfn-secrets", mountPath: "/var/run/secrets/podfn", readOnly: true });
  const http = (objects.find((o) => o.kind === "Deployment") as Deployment).spec!.template.spec!;
  assert.deepEqual(sources(http)?.map((s) => s!.name), ["api-token", "pager-token"], "not the CronJob function's");
  assert.ok(!JSON.stringify(objects).includes("slack-webhook-url\",\"value"), "no value anywhere");
  assert.equal(http.containers[0]!.env?.some((e) => e.valueFrom?.secretKeyRef !== undefined), false, "files, never variables");
});

test("the variables a function declares in env are copied into its pods with the values set where the manifests are generated", () => {
  const hook = loaded({ name: "hook", env: ["TARGET", "EMPTY", "UNSET"], http: { auth: "none" }, handler: () => 1 });
  const job = loaded({ name: "job", env: ["ZONE"], schedule: { cron: "@daily" }, handler: () => 1 });
  const env = { TARGET: "web", EMPTY: "", ZONE: "Europe/Paris", OTHER: "not declared" };
  const objects = generateManifests([hook, job], { env }).flatMap((g) => g.objects);
  for (const o of objects) validateObject(o);
  const variables = (spec: PodSpec) => Object.fromEntries((spec.containers[0]!.env ?? []).filter((e) => e.value !== undefined && !e.name.startsWith("POD") && e.name !== "PORT").map((e) => [e.name, e.value]));
  // Only each workload's own functions' variables; an unset one is left out (the function's default applies in the pod too).
  assert.deepEqual(variables((objects.find((o) => o.kind === "Deployment") as Deployment).spec!.template.spec!), { EMPTY: "", TARGET: "web" });
  assert.deepEqual(variables((objects.find((o) => o.kind === "CronJob") as CronJob).spec!.jobTemplate.spec!.template.spec!), { ZONE: "Europe/Paris" });
  // A variable a bearer secret is read from cannot be configuration as well.
  const secretToo = loaded({ name: "ci", env: ["CI_TOKEN"], http: { auth: { type: "bearer", secret: "ci-token", env: "CI_TOKEN" } }, handler: () => 1 });
  assert.throws(() => generateManifests([secretToo], { env: { CI_TOKEN: "x" } }), (e: unknown) => e instanceof PodfnError && e.code === "definition_invalid" && /ci declares CI_TOKEN in env, which a bearer secret is read from/.test(e.message));
  // Nor in a CronJob's pod (only CronJobs run it): its manifest would hold the secret in clear.
  const hookWithEnvSecret = loaded({ name: "deploy-hook", http: { auth: { type: "bearer", secret: "deploy-token", env: "DEPLOY_TOKEN" } }, handler: () => 1 });
  const nightly = loaded({ name: "nightly", env: ["DEPLOY_TOKEN"], schedule: { cron: "@daily" }, handler: () => 1 });
  assert.throws(() => generateManifests([hookWithEnvSecret, nightly], { env: { DEPLOY_TOKEN: "dtk_live_9f8e7d6c5b4a3210" } }), (e: unknown) => e instanceof PodfnError && e.code === "definition_invalid" && /nightly declares DEPLOY_TOKEN in env, which a bearer secret is read from/.test(e.message));
});

test("a CronJob's pod gets a token only when its handler calls the API, not for the Deployment's leader election or token reviews", () => {
  const mixed = loaded({
    name: "mixed",
    http: { auth: { type: "serviceAccount", allow: ["system:serviceaccount:ops:caller"] } },
    schedule: [{ cron: "0 * * * *", name: "hourly" }, { cron: "*/5 * * * *", name: "often", mode: "in-process" }],
    handler() {},
  });
  const generated = generateManifests([mixed], OPTIONS).flatMap((g) => g.objects);
  const cronJob = generated.find((o) => o.kind === "CronJob") as CronJob;
  const cronAccount = cronJob.spec!.jobTemplate.spec!.template.spec!.serviceAccountName;
  assert.equal(cronJob.spec!.jobTemplate.spec!.template.spec!.automountServiceAccountToken, false);
  assert.equal((generated.find((o) => o.kind === "ServiceAccount" && o.metadata?.name === cronAccount) as { automountServiceAccountToken?: boolean }).automountServiceAccountToken, false);
  const deployment = generated.find((o) => o.kind === "Deployment") as Deployment;
  assert.equal(deployment.spec!.template.spec!.automountServiceAccountToken, true, "the Deployment reviews tokens and holds the scheduler Lease");
});

test("the HTTP pods' drain lasts as long as their longest HTTP call may (25 s at least, 10 min at most); the grace period covers it, or a longer watch call", () => {
  const drainOf = (definitions: FunctionDefinition[]) => {
    const functions = definitions.map((d) => {
      const r = resolveDefinition(defineFunction(d), `${d.name}.ts`);
      if (!r.ok) throw new Error(r.problems.join("; "));
      return r.fn;
    });
    const deployment = generateManifests(functions, { namespace: "ops" }).flatMap((g) => g.objects).find((o) => o.kind === "Deployment") as Deployment;
    const pod = deployment.spec!.template.spec!;
    return { drain: pod.containers[0]!.env!.find((e) => e.name === "PODFN_DRAIN_TIMEOUT_MS")!.value, grace: pod.terminationGracePeriodSeconds };
  };
  const http = (name: string, timeoutMs: number): FunctionDefinition => ({ name, http: { auth: "none" }, timeoutMs, handler: () => 1 }) as FunctionDefinition;
  assert.deepEqual(drainOf([http("quick", 1000)]), { drain: "25000", grace: 42 });
  assert.deepEqual(drainOf([http("quick", 1000), http("rollout", 120_000)]), { drain: "120000", grace: 137 });
  assert.deepEqual(drainOf([http("day", 86_400_000)]), { drain: "600000", grace: 617 });
  // A watch call runs beside the drain (its timeoutMs, then 2 s), not after it.
  const watch = { name: "slow-watch", watch: { resource: "configmaps" }, timeoutMs: 300_000, handler: () => 1 } as FunctionDefinition;
  assert.deepEqual(drainOf([http("quick", 1000), watch]), { drain: "25000", grace: 315 });
  // A stop waits for a watch call 10 minutes at most, whatever its timeoutMs: the grace period covers that.
  assert.deepEqual(drainOf([http("quick", 1000), { ...watch, timeoutMs: 86_400_000 }]), { drain: "25000", grace: 615 });
});
