/**
 * Event validation as pkg/apis/core/validation/events.go: the namespace rules of
 * legacyValidateEvent (an object's events in its namespace; a cluster-scoped object's in ""
 * or default for old events, default or kube-system for events with eventTime), the reporting
 * fields and their lengths, and ValidateEventCreate's strict checks through events.k8s.io/v1
 * (eventTime required, type Normal or Warning, deprecated fields unset), with the exact 422s.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const v1Event = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "events.k8s.io/v1",
  kind: "Event",
  metadata: { name },
  eventTime: "2026-01-02T03:04:05.123456Z",
  reportingController: "podfn",
  reportingInstance: "host-1",
  action: "Delete",
  reason: "Deleted",
  regarding: { apiVersion: "v1", kind: "Pod", name: "web-0", namespace: "ev" },
  note: "deleted",
  type: "Normal",
  ...extra,
});

const invalidEvent = (name: string, causes: { reason: string; message: string; field: string }[]) => ({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: `Event "${name}" is invalid: ${causes.length === 1 ? `${causes[0]!.field}: ${causes[0]!.message}` : `[${causes.map((c) => `${c.field}: ${c.message}`).join(", ")}]`}`,
  reason: "Invalid",
  details: { name, kind: "Event", causes },
  code: 422,
});

describe("event validation", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "ev" } } });
  });
  after(() => t.close());

  const core = (ns: string, body: unknown) => t.send("POST", `/api/v1/namespaces/${ns}/events`, { body });
  const v1 = (ns: string, body: unknown) => t.send("POST", `/apis/events.k8s.io/v1/namespaces/${ns}/events`, { body });
  const coreEvent = (name: string, involvedObject: Record<string, unknown>) => ({ apiVersion: "v1", kind: "Event", metadata: { name }, involvedObject, reason: "Started", message: "m", type: "Normal" });

  test("core/v1: the event's namespace must be its object's; a cluster-scoped object's event goes in default", async () => {
    const other = await core("ev", coreEvent("elsewhere", { kind: "Pod", name: "p", namespace: "other" }));
    assert.equal(other.status, 422);
    assert.deepEqual(other.body, invalidEvent("elsewhere", [{ reason: "FieldValueInvalid", message: 'Invalid value: "other": does not match event.namespace', field: "involvedObject.namespace" }]));
    const node = coreEvent("node-ready", { kind: "Node", name: "node-1" });
    assert.equal((await core("default", node)).status, 201);
    const misplaced = await core("ev", node);
    assert.deepEqual(misplaced.body, invalidEvent("node-ready", [{ reason: "FieldValueInvalid", message: 'Invalid value: "": does not match event.namespace', field: "involvedObject.namespace" }]));
  });

  test("events.k8s.io/v1: a cluster-scoped object's event belongs in default or kube-system", async () => {
    const regarding = { apiVersion: "v1", kind: "Namespace", name: "ev" };
    assert.equal((await v1("default", v1Event("ns-event", { regarding }))).status, 201);
    assert.equal((await v1("kube-system", v1Event("ns-event", { regarding }))).status, 201);
    const refused = await v1("ev", v1Event("ns-event", { regarding }));
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body, invalidEvent("ns-event", [{ reason: "FieldValueInvalid", message: 'Invalid value: "": does not match event.namespace', field: "involvedObject.namespace" }]));
    // With eventTime, an object's event may be in another namespace than the object.
    assert.equal((await v1("ev", v1Event("cross", { regarding: { kind: "Pod", name: "p", namespace: "default" } }))).status, 201);
  });

  test("events.k8s.io/v1: eventTime required, type Normal or Warning, the deprecated fields unset", async () => {
    const bare = await v1("ev", { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: { name: "bare" }, regarding: { kind: "Pod", name: "p", namespace: "ev" }, note: "n" });
    assert.deepEqual(bare.body, invalidEvent("bare", [
      { reason: "FieldValueRequired", message: "Required value", field: "eventTime" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "": has invalid value: ', field: "type" },
    ]));
    const old = await v1("ev", v1Event("old-style", { type: "Info", deprecatedCount: 2, deprecatedSource: { component: "x" }, deprecatedFirstTimestamp: "2026-01-02T03:04:05Z" }));
    assert.deepEqual(old.body, invalidEvent("old-style", [
      { reason: "FieldValueInvalid", message: 'Invalid value: "": has invalid value: Info', field: "type" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "": needs to be unset', field: "firstTimestamp" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "": needs to be unset', field: "count" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "": needs to be unset', field: "source" },
    ]));
  });

  test("events with eventTime: reporting fields required and limited, the note at most 1024 bytes", async () => {
    const long = "x".repeat(129);
    const res = await v1("ev", v1Event("too-long", { reportingController: "bad controller", reportingInstance: long, action: long, reason: long, note: "é".repeat(513) }));
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, invalidEvent("too-long", [
      { reason: "FieldValueInvalid", message: `Invalid value: "bad controller": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`, field: "reportingController" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "": can have at most 128 characters', field: "reportingInstance" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "": can have at most 128 characters', field: "action" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "": can have at most 128 characters', field: "reason" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "": can have at most 1024 characters', field: "message" },
    ]));
    const missing = await core("ev", { apiVersion: "v1", kind: "Event", metadata: { name: "no-reporter" }, involvedObject: { kind: "Pod", name: "p", namespace: "ev" }, eventTime: "2026-01-02T03:04:05.000000Z" });
    assert.deepEqual(missing.body, invalidEvent("no-reporter", [
      { reason: "FieldValueRequired", message: "Required value", field: "reportingController" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "": name part must be non-empty', field: "reportingController" },
      { reason: "FieldValueInvalid", message: `Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`, field: "reportingController" },
      { reason: "FieldValueRequired", message: "Required value", field: "reportingInstance" },
      { reason: "FieldValueRequired", message: "Required value", field: "action" },
      { reason: "FieldValueRequired", message: "Required value", field: "reason" },
    ]));
  });
});
