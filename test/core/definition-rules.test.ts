/**
 * Definitions the API server would refuse, or that could never work, are refused when a function
 * loads, with a message naming the field and the fix: namespace names, empty or useless
 * resourceNames, HTTP paths with dot segments, HMAC on a GET, time zones in the wrong letter case,
 * a name whose default route is an operations path, a schedule input (or the {} of a schedule
 * without one) the input schema refuses.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { resolveDefinition } from "../../runtime/definition-schema.js";
import { defineFunction, type PermissionRule, type PodfnFunction } from "../../runtime/function.js";

function problems(definition: Partial<Parameters<typeof defineFunction>[0]>): string {
  const fn = defineFunction({ name: "f", http: { auth: "none" }, handler: () => ({}), ...definition } as Parameters<typeof defineFunction>[0]) as PodfnFunction;
  const resolved = resolveDefinition(fn, "f.ts");
  return resolved.ok ? "" : resolved.problems.join("\n");
}

const pods = { apiGroups: [""], resources: ["pods"] };

test("a permission's namespace is a namespace name, or * for all", () => {
  assert.equal(problems({ permissions: [{ ...pods, verbs: ["get"], namespace: "ci" }] }), "");
  assert.equal(problems({ permissions: [{ ...pods, verbs: ["get"], namespace: "*" }] }), "");
  for (const namespace of ["Other_NS", "a".repeat(64), "-x"]) {
    assert.match(problems({ permissions: [{ ...pods, verbs: ["get"], namespace }] }), /permissions\[0\]\.namespace: must be a namespace name .* or "\*" for every namespace/, namespace);
  }
});

test("resourceNames: at least one name; and never with create or deletecollection, which it could not allow", () => {
  assert.equal(problems({ permissions: [{ ...pods, verbs: ["get", "delete"], resourceNames: ["a"] }] }), "");
  assert.match(problems({ permissions: [{ ...pods, verbs: ["get"], resourceNames: [] }] }), /permissions\[0\]\.resourceNames: list at least one name, or leave resourceNames out for every name/);
  for (const verb of ["create", "deletecollection"] as const) {
    assert.match(problems({ permissions: [{ ...pods, verbs: ["get", verb], resourceNames: ["a"] }] }), /permissions\[0\]\.resourceNames: cannot limit create or deletecollection .*put those verbs in a rule without resourceNames/, verb);
  }
});

test("resourceNames may limit create on a subresource of a named object (pods/eviction, serviceaccounts/token), as Kubernetes authorizes it by that name", () => {
  assert.equal(problems({ permissions: [{ apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"], resourceNames: ["web-0"] }] }), "");
  assert.equal(problems({ permissions: [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"], resourceNames: ["builder"] }] }), "");
  // One plain resource in the rule and the limit could not hold for it.
  assert.match(problems({ permissions: [{ apiGroups: [""], resources: ["pods", "pods/eviction"], verbs: ["create"], resourceNames: ["web-0"] }] }), /permissions\[0\]\.resourceNames: cannot limit create or deletecollection of a resource/);
});

test("API groups and resources are checked as RBAC spells them: a version, \"core\" or a kind would grant nothing", () => {
  assert.equal(problems({ permissions: [{ apiGroups: ["", "apps", "networking.k8s.io", "*"], resources: ["pods", "deployments/scale", "*", "*/scale"], verbs: ["get"] }] }), "");
  for (const group of ["apps/v1", "v1", "Apps"]) {
    assert.match(problems({ permissions: [{ apiGroups: [group], resources: ["deployments"], verbs: ["get"] }] }), /permissions\[0\]\.apiGroups\[0\]: must be an API group without its version: "" for the core group/, group);
  }
  // As podfn list writes it (core/pods): told how RBAC writes it.
  assert.equal(problems({ permissions: [{ apiGroups: ["core"], resources: ["pods"], verbs: ["get"] }] }), 'permissions[0].apiGroups[0]: the core group is written "" in RBAC rules (apiGroups: [""]), though podfn list and kubectl show it as core');
  for (const resource of ["Deployment", "pods/", "pods/log/x", "Pods", ""]) {
    assert.match(problems({ permissions: [{ apiGroups: [""], resources: [resource], verbs: ["get"] }] }), /permissions\[0\]\.resources\[0\]: must be a resource as RBAC names it: a lower-case plural/, resource);
  }
});

test("an HTTP path with a . or .. segment is refused: no request can reach it", () => {
  for (const path of ["/x/../healthz", "/a/.", "/./a"]) {
    assert.match(problems({ http: { method: "GET", path, auth: "none" } }), /http\.path: must not have a "\." or "\.\." segment/, path);
  }
  assert.equal(problems({ http: { method: "GET", path: "/a/.well-known", auth: "none" } }), "");
});

test("HMAC auth on a GET is refused: the signature covers the body, and a GET's input is its query", () => {
  assert.equal(problems({ http: { method: "GET", auth: { type: "hmac", secret: "k" } } }), "http.auth: hmac signs the request body, and a GET has none: its query (the input) would go unsigned; use POST, or bearer or serviceAccount auth");
  assert.equal(problems({ http: { method: "POST", auth: { type: "hmac", secret: "k" } } }), "");
  assert.equal(problems({ http: { auth: { type: "hmac", secret: "k" } } }), "", "POST by default");
  assert.equal(problems({ http: { method: "GET", auth: { type: "bearer", secret: "k" } } }), "");
});

test("an auth object is judged as the mode its type names: the field at fault in that mode, or the types there are", () => {
  assert.equal(problems({ http: { auth: { type: "hmac", secret: "k", algorithm: "md5" as "sha1" } } }), 'http.auth.algorithm: Invalid option: expected one of "sha1"|"sha256"|"sha512"');
  assert.equal(problems({ http: { auth: { type: "hmax", secret: "k" } as unknown as "none" } }), 'http.auth.type: must be one of "bearer", "hmac", "serviceAccount"');
  assert.equal(problems({ http: { auth: "nonе" as "none" } }), 'http.auth: must be "none", {type: "bearer", secret}, {type: "hmac", secret} or {type: "serviceAccount", allow: [...]}');
});

test("a schedule name over 10 characters is refused saying why the limit is there", () => {
  assert.equal(problems({ http: undefined, schedule: [{ cron: "*/30 * * * *", name: "half-hourly" }] }), "schedule[0].name: must be at most 10 characters: it ends the CronJob's name (<app>-<function>-<name>), which Kubernetes limits to 52");
});

test("a bearer secret's env is a variable name the Deployment can set, and not one podfn or its pod sets", () => {
  const bearer = (env: string) => problems({ http: { auth: { type: "bearer", secret: "t", env } } });
  assert.equal(bearer("CI_TOKEN"), "");
  for (const env of ["api token", "1X", "PORT", "PODFN_APP", "KUBERNETES_SERVICE_HOST", "POD_NAME", "PATH", "NODE_OPTIONS"]) {
    assert.match(bearer(env), /http\.auth\.env: must be an environment variable name .* that podfn, Node and its pod do not use/, env);
  }
});

test("env lists variable names the pods can be given, not ones podfn or its pod sets", () => {
  assert.equal(problems({ env: ["GITHUB_DEPLOYMENT", "target_ns"] }), "");
  for (const name of ["PORT", "PODFN_NAMESPACE", "1X", "a-b"]) {
    assert.match(problems({ env: [name] }), /env\[0\]: must be an environment variable name .* that podfn, Node and its pod do not use/, name);
  }
});

test("an in-process schedule needs a zone this Node knows too; a CronJob's is Kubernetes' to read", () => {
  assert.equal(problems({ schedule: { cron: "0 3 * * *", timeZone: "Factory" } }), "");
  assert.match(problems({ schedule: { cron: "0 3 * * *", timeZone: "Factory", mode: "in-process" } }), /timeZone "Factory": this Node's time zone data does not know it, and an in-process schedule needs it/);
});

test("http.bodyTimeoutMs is at most a day, like timeoutMs (a timer could not wait longer)", () => {
  assert.equal(problems({ http: { auth: "none", bodyTimeoutMs: 86_400_000 } }), "");
  assert.match(problems({ http: { auth: "none", bodyTimeoutMs: 86_400_001 } }), /http\.bodyTimeoutMs: /);
});

test("http.async is a boolean", () => {
  assert.equal(problems({ http: { auth: "none", async: true } }), "");
  assert.equal(problems({ http: { auth: "none", async: false } }), "");
  assert.match(problems({ http: { auth: "none", async: "yes" as never } }), /http\.async: /);
});

test("http.maxInflight is a whole number from 1 to 100000", () => {
  assert.equal(problems({ http: { auth: "none", maxInflight: 1 } }), "");
  assert.equal(problems({ http: { auth: "none", maxInflight: 100_000 } }), "");
  for (const bad of [0, 1.5, 100_001, -1]) assert.match(problems({ http: { auth: "none", maxInflight: bad } }), /http\.maxInflight: /, String(bad));
});

test("a time zone in another letter case than the zoneinfo file's is refused, naming the right one", () => {
  assert.match(problems({ schedule: { cron: "0 3 * * *", timeZone: "Europe/PARIS" } }), /timeZone "Europe\/PARIS": not an IANA time zone name .*did you mean "Europe\/Paris"\?/);
  // Reported on the field at fault: schedule.timeZone, not schedule.cron.
  assert.match(problems({ schedule: { cron: "0 3 * * *", timeZone: "europe/paris" } }), /^schedule\.timeZone: timeZone "europe\/paris"/m);
  assert.match(problems({ schedule: { cron: "0 3 * * * *" } }), /^schedule\.cron: /m);
  // Links are names of their own, in their own case; Intl would map them to their zones in any case.
  for (const timeZone of ["US/Eastern", "Etc/UTC", "GMT", "Asia/Kolkata", "Asia/Calcutta"]) assert.equal(problems({ schedule: { cron: "0 3 * * *", timeZone } }), "", timeZone);
  for (const [timeZone, right] of [["us/eastern", "US/Eastern"], ["etc/utc", "Etc/UTC"], ["gmt", "GMT"]]) {
    assert.match(problems({ schedule: { cron: "0 3 * * *", timeZone } }), new RegExp(`did you mean "${right}"\\?`), timeZone);
  }
});

test("a function named healthz, readyz or metrics with no http.path would serve at an operations path: refused at load, naming name", () => {
  for (const name of ["healthz", "readyz", "metrics"]) {
    assert.match(problems({ name }), new RegExp(`^name: "${name}" would be served at /${name}, which is reserved for operations \\(/healthz, /readyz, /metrics\\): set http.path, or rename the function$`));
    assert.equal(problems({ name, http: { auth: "none", path: `/ops-${name}` } }), "", "with a path of its own it loads");
  }
  assert.equal(problems({ name: "metrics", http: undefined, schedule: { cron: "0 * * * *" } }), "", "no route, nothing reserved");
});

test("a schedule's input the function's input schema refuses is refused at load (every run would exit 2)", async () => {
  const { z } = await import("zod");
  const input = z.object({ n: z.number(), label: z.string().default("x") });
  assert.equal(problems({ http: undefined, input, schedule: { cron: "0 * * * *", input: { n: 1 } } }), "");
  assert.match(problems({ http: undefined, input, schedule: { cron: "0 * * * *", input: { n: "x" } } }), /^schedule\.input: the function's input schema refuses it \(n: .+\)$/);
  assert.match(problems({ http: undefined, input, schedule: [{ cron: "0 * * * *", name: "a", input: { n: 1 } }, { cron: "0 1 * * *", name: "b", input: {} }] }), /^schedule\[1\]\.input: the function's input schema refuses it \(n: .+\)$/);
});

test("a schedule's input with a key a strict input does not take is refused at load naming the field it likely meant, as a call's input is", async () => {
  const { z } = await import("zod");
  const input = z.strictObject({ olderThanHours: z.number().default(24) });
  assert.equal(problems({ http: undefined, input, schedule: { cron: "0 * * * *", input: { olderThanHour: 3 } } }), 'schedule.input: the function\'s input schema refuses it (olderThanHour: is not a field of this input: did you mean "olderThanHours"?)');
  assert.equal(problems({ http: undefined, input, schedule: { cron: "0 * * * *", input: { colour: 3 } } }), "schedule.input: the function's input schema refuses it (colour: is not a field of this input)");
});

test("a schedule without an input runs with {}: refused at load when the input schema refuses {} (its CronJob would fail every run)", async () => {
  const { z } = await import("zod");
  const input = z.object({ target: z.string() });
  assert.match(problems({ http: undefined, input, schedule: { cron: "0 5 * * *" } }), /^schedule: gives no input, so each run gets \{\}, which the function's input schema refuses \(target: .+\): give the schedule an input, or make those fields optional or give them defaults$/);
  assert.match(problems({ http: undefined, input, schedule: [{ cron: "0 5 * * *", name: "a", input: { target: "x" } }, { cron: "0 6 * * *", name: "b" }] }), /^schedule\[1\]: gives no input/);
  assert.equal(problems({ http: undefined, input: z.object({ target: z.string().default("all") }), schedule: { cron: "0 5 * * *" } }), "", "{} is defaulted");
  assert.equal(problems({ http: undefined, input, schedule: { cron: "0 5 * * *", input: { target: "x" } } }), "", "a written input the schema takes");
});

test("a resource a built-in group does not serve is refused when it is surely a mistake: a misspelt one, or another group's", () => {
  assert.equal(
    problems({
      permissions: [
        { apiGroups: [""], resources: ["pod", "pods/logs"], verbs: ["get"] },
        { apiGroups: ["batch"], resources: ["job"], verbs: ["get"] },
        { apiGroups: [""], resources: ["deployments"], verbs: ["get"] },
        { apiGroups: ["certificates.k8s.io"], resources: ["signer"], verbs: ["approve"] },
      ],
    }),
    [
      'permissions[0].resources[0]: the core group ("") serves no "pod": did you mean "pods"?',
      'permissions[0].resources[1]: the core group ("") serves no "pods/logs": did you mean "pods/log"?',
      'permissions[1].resources[0]: "batch" serves no "job": did you mean "jobs"?',
      'permissions[2].resources[0]: "deployments" is not served by the core group (""): it is in "apps"; list that group in apiGroups',
      'permissions[3].resources[0]: "certificates.k8s.io" serves no "signer": did you mean "signers"?',
    ].join("\n"),
  );
  // Served, a custom group, a wildcard, a group of the rule that serves it, a resource a cluster may add (a beta API), or the kubelet's: let through.
  for (const rule of [
    { apiGroups: ["apps"], resources: ["deployments", "deployments/scale"], verbs: ["get"] },
    { apiGroups: ["example.com"], resources: ["widget"], verbs: ["get"] },
    { apiGroups: [""], resources: ["*"], verbs: ["get"] },
    { apiGroups: ["", "apps"], resources: ["deployments"], verbs: ["get"] },
    { apiGroups: ["networking.k8s.io"], resources: ["servicecidrs"], verbs: ["get"] },
    { apiGroups: [""], resources: ["nodes/stats", "nodes/metrics", "nodes/log"], verbs: ["get"] },
    { apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["example.com/*"], verbs: ["approve"] },
  ] satisfies PermissionRule[]) {
    assert.equal(problems({ permissions: [rule] }), "", JSON.stringify(rule));
  }
});

test("a schedule's input asking for a dry run the schema would strip is refused as the function loads: a scheduled run is never a dry run", () => {
  const cron = { cron: "0 3 * * *" };
  assert.equal(
    problems({ schedule: { ...cron, input: { dryRun: true } } }),
    "schedule.input.dryRun: is not an input field of this function, and a scheduled run is never a dry run (podfn run --dry-run makes one by hand)",
  );
  assert.match(problems({ input: z.object({ hours: z.number().optional() }), schedule: [cron, { ...cron, name: "b", input: { dry_run: true } }] }), /^schedule\[1\]\.input\.dry_run: is not an input field/);
  // A schema that declares the field takes it as any other.
  assert.equal(problems({ input: z.object({ dryRun: z.boolean() }), schedule: { ...cron, input: { dryRun: true } } }), "");
});

test("a misspelt verb is a compile error as well as a load-time problem", () => {
  // @ts-expect-error: "lst" is no verb (PermissionVerb)
  const rule: PermissionRule = { apiGroups: [""], resources: ["pods"], verbs: ["lst"] };
  assert.match(problems({ permissions: [rule] }), /verbs\[0\]: must be one of get, list, watch, create, update, patch, delete, deletecollection, approve, sign, \*/);
});

test("approve and sign are taken on certificates.k8s.io signers (a CSR approver's or signer's), refused in a rule naming no signer; bind, escalate and impersonate never", () => {
  const approver: PermissionRule = { apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["kubernetes.io/kubelet-serving"], verbs: ["approve"] };
  assert.equal(problems({ permissions: [approver, { ...approver, resourceNames: ["example.com/*"], verbs: ["sign"] }] }), "");
  assert.equal(
    problems({ permissions: [{ apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update", "approve"] }] }),
    'permissions[0].verbs[1]: "approve" is authorized only on signers: write it in a rule with apiGroups ["certificates.k8s.io"], resources ["signers"] and resourceNames naming the signer ("example.com/serving", or "example.com/*")',
  );
  for (const verb of ["bind", "escalate", "impersonate"]) {
    assert.match(problems({ permissions: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: [verb as never] }] }), /^permissions\[0\]\.verbs\[0\]: must be one of /);
  }
});

test("resources are Kubernetes quantities, and no request is above its limit (the API server would refuse the CronJob)", () => {
  assert.equal(problems({ resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } } }), "");
  assert.equal(problems({ resources: { requests: { memory: "1Gi" }, limits: { memory: "1024Mi" } } }), "", "equal amounts in other units are not above");
  assert.equal(problems({ resources: { requests: { cpu: "700m", memory: "1072M" }, limits: { cpu: "0.7", memory: "1.072G" } } }), "", "nor are those a float's product puts above (700m was 0.7000000000000001)");
  assert.equal(problems({ resources: { requests: { cpu: "800m" }, limits: { cpu: "700m" } } }), "resources.requests.cpu: 800m is more than limits.cpu 700m: Kubernetes refuses a request above its limit");
  assert.equal(problems({ resources: { limits: { memory: "1GB" } } }), 'resources.limits.memory: must be a Kubernetes quantity of bytes, such as "256Mi" or "1Gi"');
  assert.equal(problems({ resources: { requests: { cpu: "half" } } }), 'resources.requests.cpu: must be a Kubernetes quantity of cores, such as "250m" (a quarter core) or "2"');
  assert.equal(problems({ resources: { requests: { memory: "1Gi" }, limits: { memory: "512Mi" } } }), "resources.requests.memory: 1Gi is more than limits.memory 512Mi: Kubernetes refuses a request above its limit");
  assert.equal(problems({ resources: { requests: { cpu: "1500m" }, limits: { cpu: "1" } } }), "resources.requests.cpu: 1500m is more than limits.cpu 1: Kubernetes refuses a request above its limit");
  assert.match(problems({ resources: { limit: { cpu: "1" } } as never }), /resources: unknown key "limit".*limits/);
});

test("workload is a DNS label short enough for its objects' names, never the default's name http; loaded as written", () => {
  assert.equal(problems({ workload: "public" }), "");
  assert.equal(problems({ workload: "a".repeat(21) }), "");
  assert.equal(problems({ workload: "Public" }), "workload: must be a DNS label: lower case letters, digits and '-', starting and ending with a letter or digit");
  assert.equal(problems({ workload: "a".repeat(22) }), "workload: must be at most 21 characters (it names the workload's Deployment, ServiceAccount, Service and Lease: <app>-<workload>...)");
  assert.equal(problems({ workload: "http" }), "workload: is the default workload's name (<app>-http): leave workload out to run there");
  assert.match(problems({ workload: "" }), /^workload: must be a DNS label/);
  const fn = defineFunction({ name: "f", http: { auth: "none" }, workload: "public", handler: () => ({}) });
  const loaded = resolveDefinition(fn, "f.ts");
  assert.ok(loaded.ok);
  assert.equal(loaded.fn.workload, "public");
  const plain = resolveDefinition(defineFunction({ name: "f", http: { auth: "none" }, handler: () => ({}) }), "f.ts");
  assert.ok(plain.ok && !("workload" in plain.fn), "a function naming none has no workload field");
});

test("workload on a function only CronJobs run is refused: no Deployment serves it, and each CronJob has its own ServiceAccount", () => {
  const cronOnly = "workload: this function only runs as CronJobs, each with a ServiceAccount of its own, and no Deployment serves it: remove workload, or add http, watch or an in-process schedule for the workload to serve";
  assert.equal(problems({ http: undefined, schedule: { cron: "0 3 * * *" }, workload: "jobs" }), cronOnly);
  assert.equal(problems({ http: undefined, schedule: [{ cron: "0 3 * * *" }, { cron: "0 4 * * *", mode: "cronjob", name: "b" }], workload: "jobs" }), cronOnly);
  // Something the workload serves beside the CronJob: taken.
  assert.equal(problems({ http: undefined, schedule: [{ cron: "0 3 * * *" }, { cron: "*/5 * * * *", mode: "in-process", name: "b" }], workload: "jobs" }), "");
  assert.equal(problems({ schedule: { cron: "0 3 * * *" }, workload: "jobs" }), "");
  assert.equal(problems({ http: undefined, schedule: { cron: "0 3 * * *" }, watch: { resource: "pods" }, workload: "jobs" }), "");
});

test("a schedule or watch written as a bare string (or another type, or an empty list) says how to write it, not zod's 'Invalid input'", () => {
  const as = (d: unknown) => d as Parameters<typeof defineFunction>[0]["schedule"];
  assert.equal(problems({ http: undefined, schedule: as("0 * * * *") }), 'schedule: write { cron: "0 * * * *" }: a schedule is an object (cron, and timeZone, input, mode, name... if needed), or a list of them');
  assert.equal(problems({ http: undefined, schedule: as(5) }), "schedule: must be { cron: \"...\" } (and timeZone, input, mode, name... if needed), or a list of them");
  assert.equal(problems({ http: undefined, schedule: as([]) }), "schedule: list at least one entry, or leave schedule out");
  const watch = (d: unknown) => d as Parameters<typeof defineFunction>[0]["watch"];
  assert.equal(problems({ http: undefined, watch: watch("pods") }), 'watch: write { resource: "pods" }: a watch is an object (resource, and namespace, events, labelSelector... if needed), or a list of them');
  assert.equal(problems({ http: undefined, watch: watch(true) }), 'watch: must be { resource: "..." } (and namespace, events, labelSelector... if needed), or a list of them');
  assert.equal(problems({ http: undefined, watch: watch([]) }), "watch: list at least one entry, or leave watch out");
});

test("an entry of a schedule or watch list that is not an object, or a schedule without its cron, says how to write it", () => {
  const as = (d: unknown) => d as Parameters<typeof defineFunction>[0]["schedule"];
  assert.equal(problems({ http: undefined, schedule: as([{ cron: "0 * * * *" }, "30 * * * *"]) }), 'schedule[1]: write { cron: "30 * * * *" }: a schedule is an object (cron, and timeZone, input, mode, name... if needed)');
  assert.equal(problems({ http: undefined, schedule: as({}) }), 'schedule.cron: is required: a cron expression such as "0 * * * *" (minute hour day-of-month month day-of-week)');
  assert.equal(problems({ http: undefined, schedule: as({ cron: 5 }) }), 'schedule.cron: must be a string: a cron expression such as "0 * * * *" (minute hour day-of-month month day-of-week)');
  const watch = (d: unknown) => d as Parameters<typeof defineFunction>[0]["watch"];
  assert.equal(problems({ http: undefined, watch: watch(["pods"]) }), 'watch[0]: write { resource: "pods" }: a watch is an object (resource, and namespace, events, labelSelector... if needed)');
});
