/**
 * Rules of one kind each the real server checks and a function's test would otherwise pass: the
 * keys a Secret's type requires, a Service's ports, a Lease's counts. Messages as the server's.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const CORE = "/api/v1/namespaces/or";

describe("one kind's rules", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("or");
  });
  after(() => t.close());

  const secret = (name: string, type: string, data: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "Secret", metadata: { name }, type, data });

  test("a Secret carries the keys its type requires", async () => {
    const tls = await t.send("POST", `${CORE}/secrets`, { body: secret("tls", "kubernetes.io/tls", { "tls.crt": "" }) });
    assert.equal(tls.status, 422);
    assert.equal(tls.body.message, 'Secret "tls" is invalid: data[tls.key]: Required value');
    const basic = await t.send("POST", `${CORE}/secrets`, { body: secret("basic", "kubernetes.io/basic-auth") });
    assert.deepEqual(basic.body.details.causes.map((c: { field: string }) => c.field), ["data[username]", "data[password]"]);
    const ssh = await t.send("POST", `${CORE}/secrets`, { body: secret("ssh", "kubernetes.io/ssh-auth", { "ssh-privatekey": "" }) });
    assert.equal(ssh.body.message, 'Secret "ssh" is invalid: data[ssh-privatekey]: Required value');
    for (const [name, type, data] of [["tls-ok", "kubernetes.io/tls", { "tls.crt": "", "tls.key": "" }], ["basic-ok", "kubernetes.io/basic-auth", { password: "" }], ["custom", "example.com/anything", {}]] as const) {
      assert.equal((await t.send("POST", `${CORE}/secrets`, { body: secret(name, type, data) })).status, 201, name);
    }
  });

  test("a Secret of a ServiceAccount token names its account; a Docker config carries its key, a JSON object (ValidateSecret)", async () => {
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    const refused = async (body: unknown) => {
      const answer = await t.send("POST", `${CORE}/secrets`, { body });
      assert.equal(answer.status, 422, answer.text);
      return answer.body.message;
    };
    assert.equal(await refused(secret("sat", "kubernetes.io/service-account-token")), 'Secret "sat" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value');
    assert.equal(await refused(secret("cfg", "kubernetes.io/dockerconfigjson")), 'Secret "cfg" is invalid: data[.dockerconfigjson]: Required value');
    assert.equal(await refused(secret("old", "kubernetes.io/dockercfg", { ".dockerconfigjson": b64("{}") })), 'Secret "old" is invalid: data[.dockercfg]: Required value');
    assert.equal(await refused(secret("cut", "kubernetes.io/dockerconfigjson", { ".dockerconfigjson": b64('{"auths":') })), 'Secret "cut" is invalid: data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input');
    assert.equal(await refused(secret("list", "kubernetes.io/dockercfg", { ".dockercfg": b64("[1]") })), 'Secret "list" is invalid: data[.dockercfg]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}');
    const named = { ...secret("sat-ok", "kubernetes.io/service-account-token"), metadata: { name: "sat-ok", annotations: { "kubernetes.io/service-account.name": "default" } } };
    for (const body of [named, secret("cfg-ok", "kubernetes.io/dockerconfigjson", { ".dockerconfigjson": b64('{"auths":{}}') }), secret("old-ok", "kubernetes.io/dockercfg", { ".dockercfg": b64("null") })]) {
      const created = await t.send("POST", `${CORE}/secrets`, { body });
      assert.equal(created.status, 201, created.text);
    }
  });

  test("a Service needs ports unless it is headless or ExternalName", async () => {
    const service = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec });
    const none = await t.send("POST", `${CORE}/services`, { body: service("noports", { selector: { app: "x" } }) });
    assert.equal(none.status, 422);
    assert.equal(none.body.message, 'Service "noports" is invalid: spec.ports: Required value');
    assert.equal((await t.send("POST", `${CORE}/services`, { body: service("headless", { clusterIP: "None", selector: { app: "x" } }) })).status, 201);
    assert.equal((await t.send("POST", `${CORE}/services`, { body: service("ext", { type: "ExternalName", externalName: "example.com" }) })).status, 201);
  });

  test("a Service's ports as validateServicePort checks them: names when there are several, numbers, protocols, targets, duplicates", async () => {
    const service = (name: string, ports: unknown[]) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { selector: { app: name }, ports } });
    const unnamed = await t.send("POST", `${CORE}/services`, { body: service("unnamed", [{ port: 80 }, { port: 443 }]) });
    assert.equal(unnamed.status, 422);
    assert.equal(unnamed.body.message, 'Service "unnamed" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]');
    const wrong = await t.send("POST", `${CORE}/services`, { body: service("wrong", [{ name: "Web", port: 70000, protocol: "HTTP", targetPort: "web--port-name-too-long" }]) });
    assert.equal(
      wrong.body.message,
      'Service "wrong" is invalid: [spec.ports[0].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\'), ' +
        'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP", ' +
        'spec.ports[0].targetPort: Invalid value: "web--port-name-too-long": must be no more than 15 characters, spec.ports[0].targetPort: Invalid value: "web--port-name-too-long": must not contain consecutive hyphens]',
    );
    const twice = await t.send("POST", `${CORE}/services`, { body: service("twice", [{ name: "a", port: 80 }, { name: "a", port: 80 }]) });
    assert.equal(
      twice.body.message,
      'Service "twice" is invalid: [spec.ports[1].name: Duplicate value: "a", spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}]',
    );
    const fine = await t.send("POST", `${CORE}/services`, { body: service("fine", [{ name: "http", port: 80, targetPort: "http" }, { name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53 }]) });
    assert.equal(fine.status, 201, fine.text);
  });

  test("a Lease's duration is over 0 and its transitions 0 or more", async () => {
    const lease = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name }, spec });
    const bad = await t.send("POST", "/apis/coordination.k8s.io/v1/namespaces/or/leases", { body: lease("bad", { leaseDurationSeconds: 0, leaseTransitions: -1 }) });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.details.causes, [
      { reason: "FieldValueInvalid", message: "Invalid value: 0: must be greater than 0", field: "spec.leaseDurationSeconds" },
      { reason: "FieldValueInvalid", message: "Invalid value: -1: must be greater than or equal to 0", field: "spec.leaseTransitions" },
    ]);
    assert.equal((await t.send("POST", "/apis/coordination.k8s.io/v1/namespaces/or/leases", { body: lease("ok", { leaseDurationSeconds: 15, holderIdentity: "a" }) })).status, 201);
  });
});
