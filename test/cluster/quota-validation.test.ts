/**
 * ResourceQuotas and LimitRanges as 1.32 serves them: a Container limit's defaults filled from
 * max, default and min; resource names, negative quantities, scopes (unknown, not valid for
 * the resources limited, conflicting, changed) and limit types refused with the server's
 * causes; a quota's status checked on its status update; `kubectl get quota`'s columns.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const CORE = "/api/v1/namespaces/qv";
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
const quota = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name }, spec });
const limits = (name: string, items: Record<string, unknown>[]) => ({ apiVersion: "v1", kind: "LimitRange", metadata: { name }, spec: { limits: items } });
const causes = (res: { body: any }) => res.body.details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`);

describe("resource quotas and limit ranges", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("qv");
  });
  after(() => t.close());

  const post = (path: string, body: unknown) => t.send("POST", `${CORE}/${path}`, { body });

  test("a Container limit's default comes from max, its default request from the default, else from min; other types are left alone", async () => {
    const res = await post("limitranges", limits("defaults", [
      { type: "Container", max: { cpu: "2", memory: "1Gi" }, min: { cpu: "100m", "ephemeral-storage": "1Gi" } },
      { type: "Pod", max: { cpu: "4" } },
    ]));
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.spec.limits, [
      { type: "Container", max: { cpu: "2", memory: "1Gi" }, min: { cpu: "100m", "ephemeral-storage": "1Gi" }, default: { cpu: "2", memory: "1Gi" }, defaultRequest: { cpu: "2", memory: "1Gi", "ephemeral-storage": "1Gi" } },
      { type: "Pod", max: { cpu: "4" } },
    ]);
  });

  test("a LimitRange's types and resource names are checked; a Pod limit takes no defaults, a claim's needs a storage bound", async () => {
    const res = await post("limitranges", limits("bad", [
      { type: "Pod", default: { cpu: "1" }, defaultRequest: { cpu: "1" } },
      { type: "Pod" },
      { type: "Thing", max: { pods: "1" } },
      { type: "Container", max: { pods: "1", "example.com/gpu": "1", "requests.example.com/x": "1" } },
      { type: "PersistentVolumeClaim", max: { cpu: "1" } },
    ]));
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(causes(res), [
      "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
      "spec.limits[0].defaultRequest: Forbidden: may not be specified when `type` is 'Pod'",
      'spec.limits[1].type: Duplicate value: "Pod"',
      'spec.limits[2].type: Invalid value: "Thing": must be a standard limit type or fully qualified',
      'spec.limits[3].max[pods]: Invalid value: "pods": must be a standard resource for containers',
      `spec.limits[3].max[requests.example.com/x]: Invalid value: "requests.example.com/x": doesn't follow extended resource name standard`,
      // Defaulted from max before validation, as the server does: the same names again.
      'spec.limits[3].default[pods]: Invalid value: "pods": must be a standard resource for containers',
      `spec.limits[3].default[requests.example.com/x]: Invalid value: "requests.example.com/x": doesn't follow extended resource name standard`,
      'spec.limits[3].defaultRequest[pods]: Invalid value: "pods": must be a standard resource for containers',
      `spec.limits[3].defaultRequest[requests.example.com/x]: Invalid value: "requests.example.com/x": doesn't follow extended resource name standard`,
      'spec.limits[4].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
    ]);
  });

  test("a ResourceQuota's resources, quantities and scopes are checked; its scopes never change", async () => {
    const res = await post("resourcequotas", quota("bad", { hard: { pods: "-1", foo: "1", "count/deployments.apps": "2", cpu: "1" }, scopes: ["BestEffort", "NotBestEffort", "Nope"] }));
    assert.equal(res.status, 422, res.text);
    const scopes = '[]core.ResourceQuotaScope{"BestEffort", "NotBestEffort", "Nope"}';
    assert.deepEqual(causes(res), [
      'spec.hard[foo]: Invalid value: "foo": must be a standard resource type or fully qualified',
      'spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota',
      'spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0',
      `spec.scopes: Invalid value: ${scopes}: unsupported scope applied to resource`,
      `spec.scopes: Invalid value: ${scopes}: unsupported scope`,
      `spec.scopes: Invalid value: ${scopes}: conflicting scopes`,
    ]);
    const ok = await post("resourcequotas", quota("team", { hard: { pods: "10", "requests.cpu": "4", "limits.memory": "8Gi" }, scopes: ["NotTerminating"] }));
    assert.equal(ok.status, 201, ok.text);
    const rescoped = await t.send("PATCH", `${CORE}/resourcequotas/team`, { body: { spec: { scopes: ["Terminating"] } }, contentType: "application/merge-patch+json" });
    assert.equal(rescoped.status, 422);
    assert.deepEqual(causes(rescoped), ['spec.scopes: Invalid value: []core.ResourceQuotaScope{"Terminating"}: field is immutable']);
  });

  test("a quota's status is its own subresource's, checked there; kubectl's columns show used/hard per resource of status.hard", async () => {
    const rowOf = async (name: string) => (await t.send("GET", `${CORE}/resourcequotas`, { accept: TABLE })).body.rows.find((r: { cells: string[] }) => r.cells[0] === name).cells.slice(2);
    assert.deepEqual(await rowOf("team"), ["", ""], "no status yet: spec.hard is not printed");
    const some = await t.send("PATCH", `${CORE}/resourcequotas/team/status`, { body: { status: { hard: { pods: "10" }, used: { pods: "1" } } }, contentType: "application/merge-patch+json" });
    assert.equal(some.status, 200, some.text);
    assert.deepEqual(await rowOf("team"), ["pods: 1/10", ""]);
    const bad = await t.send("PATCH", `${CORE}/resourcequotas/team/status`, { body: { status: { hard: { pods: "10" }, used: { pods: "-2" } } }, contentType: "application/merge-patch+json" });
    assert.equal(bad.status, 422);
    assert.deepEqual(causes(bad), ['status.used[pods]: Invalid value: "-2": must be greater than or equal to 0']);
    const good = await t.send("PATCH", `${CORE}/resourcequotas/team/status`, { body: { status: { hard: { pods: "10", "requests.cpu": "4", "limits.memory": "8Gi" }, used: { pods: "3", "requests.cpu": "500m" } } }, contentType: "application/merge-patch+json" });
    assert.equal(good.status, 200, good.text);
    const table = await t.send("GET", `${CORE}/resourcequotas`, { accept: TABLE });
    assert.deepEqual(table.body.columnDefinitions.map((c: { name: string }) => c.name), ["Name", "Age", "Request", "Limit"]);
    const row = table.body.rows.find((r: { cells: string[] }) => r.cells[0] === "team");
    assert.deepEqual([row.cells[2], row.cells[3]], ["pods: 3/10, requests.cpu: 500m/4", "limits.memory: 0/8Gi"]);
  });
});

