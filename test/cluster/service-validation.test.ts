/**
 * ValidateService's type-dependent checks, as 1.32 makes them: fields only a LoadBalancer
 * Service may have, and what an update that changes the type drops or leaves to be refused.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const SVC = "/api/v1/namespaces/default/services";
const service = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
const patch = { contentType: "application/merge-patch+json" };

describe("service validation", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("allocateLoadBalancerNodePorts only on a LoadBalancer; a type change drops it only when the update left it as it was", async () => {
    const onClusterIP = await t.send("POST", SVC, { body: service("alnp-cip", { allocateLoadBalancerNodePorts: true }) });
    assert.equal(onClusterIP.status, 422);
    assert.equal(onClusterIP.body.message, "Service \"alnp-cip\" is invalid: spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'");
    assert.equal((await t.send("POST", SVC, { body: service("alnp-lb", { type: "LoadBalancer" }) })).status, 201);
    const changed = await t.send("PATCH", `${SVC}/alnp-lb`, { ...patch, body: { spec: { type: "ClusterIP", allocateLoadBalancerNodePorts: false } } });
    assert.equal(changed.status, 422);
    assert.equal(changed.body.message, "Service \"alnp-lb\" is invalid: spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'");
    const left = await t.send("PATCH", `${SVC}/alnp-lb`, { ...patch, body: { spec: { type: "ClusterIP" } } });
    assert.equal(left.status, 200, left.text);
    assert.equal(left.body.spec.allocateLoadBalancerNodePorts, undefined);
    const added = await t.send("PATCH", `${SVC}/alnp-lb`, { ...patch, body: { spec: { allocateLoadBalancerNodePorts: true } } });
    assert.equal(added.status, 422);
    assert.equal(added.body.message, "Service \"alnp-lb\" is invalid: spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'");
  });

  test("a ClusterIP Service may not have node ports, asked for on create or kept by a type change that adds one", async () => {
    const created = await t.send("POST", SVC, { body: service("np-cip", { ports: [{ name: "a", port: 80, nodePort: 30500 }, { name: "b", port: 81 }] }) });
    assert.equal(created.status, 422);
    assert.equal(created.body.message, "Service \"np-cip\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
    assert.equal((await t.send("POST", SVC, { body: service("np-np", { type: "NodePort" }) })).status, 201);
    const turned = await t.send("PATCH", `${SVC}/np-np`, { ...patch, body: { spec: { type: "ClusterIP", ports: [{ port: 80, nodePort: 31999 }] } } });
    assert.equal(turned.status, 422);
    assert.equal(turned.body.message, "Service \"np-np\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
  });

  test("one protocol and node port twice: the allocator's bare 500 on an update, Duplicate where no node ports are allocated", async () => {
    const created = await t.send("POST", SVC, { body: service("dup-np", { type: "NodePort", ports: [{ name: "a", port: 80 }, { name: "b", port: 81 }, { name: "c", port: 82, protocol: "UDP" }] }) });
    assert.equal(created.status, 201, created.text);
    const [first] = created.body.spec.ports.map((p: { nodePort: number }) => p.nodePort);
    const udp = await t.send("PATCH", `${SVC}/dup-np`, { contentType: "application/json-patch+json", body: [{ op: "replace", path: "/spec/ports/2/nodePort", value: first }] });
    assert.equal(udp.status, 200, udp.text);
    const twice = await t.send("PATCH", `${SVC}/dup-np`, { contentType: "application/json-patch+json", body: [{ op: "replace", path: "/spec/ports/1/nodePort", value: first }] });
    assert.equal(twice.status, 500);
    assert.deepEqual(twice.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `duplicate nodePort: {TCP ${first}}`, code: 500 });
    const external = await t.send("POST", SVC, { body: service("dup-en", { type: "ExternalName", externalName: "example.com", ports: [{ name: "a", port: 80, nodePort: 30700 }, { name: "b", port: 81, nodePort: 30700 }] }) });
    assert.equal(external.status, 422);
    assert.equal(external.body.message, 'Service "dup-en" is invalid: spec.ports[1].nodePort: Duplicate value: 30700');
  });

  test("a NodePort or LoadBalancer Service may not be headless", async () => {
    for (const type of ["NodePort", "LoadBalancer"]) {
      const name = `headless-${type.toLowerCase()}`;
      const created = await t.send("POST", SVC, { body: service(name, { type, clusterIP: "None" }) });
      assert.equal(created.status, 422, created.text);
      assert.equal(created.body.message, `Service "${name}" is invalid: spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for ${type} services`);
    }
    assert.equal((await t.send("POST", SVC, { body: service("headless", { clusterIP: "None" }) })).status, 201);
    const turned = await t.send("PATCH", `${SVC}/headless`, { ...patch, body: { spec: { type: "NodePort" } } });
    assert.equal(turned.status, 422);
    assert.equal(turned.body.message, "Service \"headless\" is invalid: spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services");
  });

  test("load balancer source ranges, the field or else its annotation: LoadBalancer only, each a CIDR", async () => {
    const field = await t.send("POST", SVC, { body: service("ranges-cip", { loadBalancerSourceRanges: [" 10.0.0.0/8 ", "nope"] }) });
    assert.equal(field.status, 422);
    assert.equal(
      field.body.message,
      "Service \"ranges-cip\" is invalid: [spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer', spec.LoadBalancerSourceRanges[1]: Invalid value: \"nope\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)]",
    );
    const lb = await t.send("POST", SVC, { body: service("ranges-lb", { type: "LoadBalancer", loadBalancerSourceRanges: [" 10.0.0.0/8 "] }) });
    assert.equal(lb.status, 201, lb.text);
    const annotated = { ...service("ranges-ann"), metadata: { name: "ranges-ann", annotations: { "service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8, 300.0.0.0/8" } } };
    const annotation = await t.send("POST", SVC, { body: annotated });
    assert.equal(annotation.status, 422);
    assert.equal(
      annotation.body.message,
      "Service \"ranges-ann\" is invalid: [metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Forbidden: may only be used when `type` is 'LoadBalancer', metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Invalid value: \"300.0.0.0/8\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)]",
    );
  });

  test("external IPs are IP addresses, none unspecified, loopback or link-local", async () => {
    const created = await t.send("POST", SVC, { body: service("external", { externalIPs: ["1.2.3.4", "nope", "127.0.0.1", "0.0.0.0"] }) });
    assert.equal(created.status, 422);
    assert.equal(
      created.body.message,
      'Service "external" is invalid: [spec.externalIPs[1]: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff), spec.externalIPs[2]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128), spec.externalIPs[3]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)]',
    );
    assert.equal((await t.send("POST", SVC, { body: service("external", { externalIPs: ["1.2.3.4"] }) })).status, 201);
  });

  test("internalTrafficPolicy is Cluster or Local", async () => {
    const created = await t.send("POST", SVC, { body: service("internal", { internalTrafficPolicy: "Nope" }) });
    assert.equal(created.status, 422);
    assert.equal(created.body.message, 'Service "internal" is invalid: spec.internalTrafficPolicy: Unsupported value: "Nope": supported values: "Cluster", "Local"');
    const local = await t.send("POST", SVC, { body: service("internal", { internalTrafficPolicy: "Local" }) });
    assert.equal(local.status, 201, local.text);
    const changed = await t.send("PATCH", `${SVC}/internal`, { ...patch, body: { spec: { internalTrafficPolicy: "cluster" } } });
    assert.equal(changed.status, 422);
    assert.equal(changed.body.message, 'Service "internal" is invalid: spec.internalTrafficPolicy: Unsupported value: "cluster": supported values: "Cluster", "Local"');
  });

  test("a Service turned from LoadBalancer to another type loses its status's load balancer", async () => {
    assert.equal((await t.send("POST", SVC, { body: service("lb-status", { type: "LoadBalancer" }) })).status, 201);
    const status = await t.send("PATCH", `${SVC}/lb-status/status`, { ...patch, body: { status: { loadBalancer: { ingress: [{ hostname: "lb.example.com" }] } } } });
    assert.equal(status.status, 200, status.text);
    assert.deepEqual(status.body.status.loadBalancer, { ingress: [{ hostname: "lb.example.com" }] });
    const turned = await t.send("PATCH", `${SVC}/lb-status`, { ...patch, body: { spec: { type: "NodePort" } } });
    assert.equal(turned.status, 200, turned.text);
    assert.deepEqual(turned.body.status, { loadBalancer: {} });
    assert.deepEqual((await t.send("GET", `${SVC}/lb-status`)).body.status, { loadBalancer: {} });
  });

  test("a type change drops the node ports when it added none, whichever ports hold them, also those of a LoadBalancer allocating none", async () => {
    const created = await t.send("POST", SVC, { body: service("np-rename", { type: "NodePort" }) });
    const [nodePort] = created.body.spec.ports.map((p: { nodePort: number }) => p.nodePort);
    const renamed = await t.send("PATCH", `${SVC}/np-rename`, { ...patch, body: { spec: { type: "ClusterIP", ports: [{ name: "web", port: 80, nodePort }] } } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.deepEqual(renamed.body.spec.ports, [{ name: "web", port: 80, protocol: "TCP", targetPort: 80 }]);
    const lb = await t.send("POST", SVC, { body: service("np-lb", { type: "LoadBalancer", allocateLoadBalancerNodePorts: false, ports: [{ port: 80, nodePort: 31234 }] }) });
    assert.equal(lb.status, 201, lb.text);
    const kept = await t.send("PUT", `${SVC}/np-lb`, { body: service("np-lb", { type: "LoadBalancer", allocateLoadBalancerNodePorts: false }) });
    assert.equal(kept.status, 200, kept.text);
    assert.equal(kept.body.spec.ports[0].nodePort, 31234);
    const turned = await t.send("PATCH", `${SVC}/np-lb`, { ...patch, body: { spec: { type: "ClusterIP" } } });
    assert.equal(turned.status, 200, turned.text);
    assert.equal(turned.body.spec.ports[0].nodePort, undefined);
  });

  test("an update lists ValidateServiceUpdate's own errors before ValidateService's", async () => {
    const created = await t.send("POST", SVC, { body: service("order", { type: "LoadBalancer", externalTrafficPolicy: "Local" }) });
    const port = created.body.spec.healthCheckNodePort as number;
    const both = await t.send("PATCH", `${SVC}/order`, { ...patch, body: { spec: { healthCheckNodePort: port + 1, internalTrafficPolicy: "Nope" } } });
    assert.equal(both.status, 422);
    assert.equal(both.body.message, 'Service "order" is invalid: [spec.healthCheckNodePort: Forbidden: field is immutable, spec.internalTrafficPolicy: Unsupported value: "Nope": supported values: "Cluster", "Local"]');
    assert.deepEqual(both.body.details.causes.map((c: { field: string }) => c.field), ["spec.healthCheckNodePort", "spec.internalTrafficPolicy"]);
  });

  test("loadBalancerClass: a qualified name on a LoadBalancer only, fixed while it is one, dropped by a type change that left it", async () => {
    const onClusterIP = await t.send("POST", SVC, { body: service("class-cip", { loadBalancerClass: "example.com/lb" }) });
    assert.equal(onClusterIP.status, 422);
    assert.equal(onClusterIP.body.message, "Service \"class-cip\" is invalid: spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'");
    const malformed = await t.send("POST", SVC, { body: service("class-bad", { type: "LoadBalancer", loadBalancerClass: "-lb" }) });
    assert.equal(malformed.status, 422);
    assert.match(malformed.body.message, /^Service "class-bad" is invalid: spec.loadBalancerClass: Invalid value: "-lb": name part must consist of alphanumeric characters/);
    assert.equal((await t.send("POST", SVC, { body: service("class-lb", { type: "LoadBalancer", loadBalancerClass: "example.com/lb" }) })).status, 201);
    const changed = await t.send("PATCH", `${SVC}/class-lb`, { ...patch, body: { spec: { loadBalancerClass: "example.com/other" } } });
    assert.equal(changed.status, 422);
    assert.equal(changed.body.message, 'Service "class-lb" is invalid: spec.loadBalancerClass: Invalid value: "example.com/other": may not change once set');
    const turned = await t.send("PATCH", `${SVC}/class-lb`, { ...patch, body: { spec: { type: "ClusterIP" } } });
    assert.equal(turned.status, 200, turned.text);
    assert.equal(turned.body.spec.loadBalancerClass, undefined);
    const added = await t.send("PATCH", `${SVC}/class-lb`, { ...patch, body: { spec: { loadBalancerClass: "example.com/lb" } } });
    assert.equal(added.status, 422);
    assert.equal(added.body.message, "Service \"class-lb\" is invalid: spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'");
    assert.equal(added.body.details.causes.length, 2, "validateLoadBalancerClassField runs twice on an update");
  });

  test("type, sessionAffinity (a ClientIP timeout of at most a day) and trafficDistribution take only their values", async () => {
    const refused = async (name: string, spec: Record<string, unknown>) => {
      const answer = await t.send("POST", SVC, { body: service(name, spec) });
      assert.equal(answer.status, 422, answer.text);
      return answer.body.message as string;
    };
    assert.equal(await refused("type", { type: "Internal" }), 'Service "type" is invalid: spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"');
    assert.equal(await refused("affinity", { sessionAffinity: "Cookie" }), 'Service "affinity" is invalid: spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"');
    const timeout = (seconds: number) => ({ sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: seconds } } });
    assert.equal(await refused("timeout", timeout(0)), 'Service "timeout" is invalid: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400');
    assert.equal(await refused("timeout", timeout(86401)), 'Service "timeout" is invalid: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400');
    assert.equal((await t.send("POST", SVC, { body: service("timeout", timeout(86400)) })).status, 201);
    assert.equal(await refused("distribution", { trafficDistribution: "Nearby" }), 'Service "distribution" is invalid: spec.trafficDistribution: Unsupported value: "Nearby": supported values: "PreferClose"');
    assert.equal((await t.send("POST", SVC, { body: service("distribution", { trafficDistribution: "PreferClose" }) })).status, 201);
  });

  test("a selector of valid labels, no kubelet port on a LoadBalancer, topology annotations that agree", async () => {
    const selector = await t.send("POST", SVC, { body: { ...service("selector"), spec: { selector: { "app/x/y": "web" }, ports: [{ port: 80 }] } } });
    assert.equal(selector.status, 422);
    assert.match(selector.body.message, /^Service "selector" is invalid: spec.selector: Invalid value: "app\/x\/y": a qualified name must consist of/);
    const kubelet = await t.send("POST", SVC, { body: service("kubelet", { type: "LoadBalancer", ports: [{ port: 10250 }] }) });
    assert.equal(kubelet.status, 422);
    assert.equal(kubelet.body.message, 'Service "kubelet" is invalid: spec.ports[0]: Invalid value: 10250: may not expose port 10250 externally since it is used by kubelet');
    const annotations = { "service.kubernetes.io/topology-mode": "Auto", "service.kubernetes.io/topology-aware-hints": "Disabled" };
    const topology = await t.send("POST", SVC, { body: { ...service("topology"), metadata: { name: "topology", annotations } } });
    assert.equal(topology.status, 422);
    assert.equal(topology.body.message, 'Service "topology" is invalid: metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: "Auto": must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified');
  });

  test("a LoadBalancer Service's status ingress IPs default to ipMode VIP", async () => {
    assert.equal((await t.send("POST", SVC, { body: service("ip-mode", { type: "LoadBalancer" }) })).status, 201);
    const ingress = [{ ip: "203.0.113.9" }, { ip: "203.0.113.10", ipMode: "Proxy" }, { hostname: "lb.example.com" }];
    const status = await t.send("PATCH", `${SVC}/ip-mode/status`, { ...patch, body: { status: { loadBalancer: { ingress } } } });
    assert.equal(status.status, 200, status.text);
    assert.deepEqual(status.body.status.loadBalancer.ingress, [{ ip: "203.0.113.9", ipMode: "VIP" }, { ip: "203.0.113.10", ipMode: "Proxy" }, { hostname: "lb.example.com" }]);
  });

  test("status ingress: on a LoadBalancer only, an IP with a known mode or a DNS name", async () => {
    assert.equal((await t.send("POST", SVC, { body: service("status-cip") })).status, 201);
    const onClusterIP = await t.send("PATCH", `${SVC}/status-cip/status`, { ...patch, body: { status: { loadBalancer: { ingress: [{ hostname: "lb.example.com" }] } } } });
    assert.equal(onClusterIP.status, 422);
    assert.equal(onClusterIP.body.message, "Service \"status-cip\" is invalid: status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'");
    assert.equal((await t.send("POST", SVC, { body: service("status-lb", { type: "LoadBalancer" }) })).status, 201);
    const ingress = [{ ip: "nope", ipMode: "VIP" }, { ip: "203.0.113.9", ipMode: "Tunnel" }, { hostname: "203.0.113.10", ipMode: "VIP" }];
    const bad = await t.send("PATCH", `${SVC}/status-lb/status`, { ...patch, body: { status: { loadBalancer: { ingress } } } });
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'Service "status-lb" is invalid: [status.loadBalancer.ingress[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff), status.loadBalancer.ingress[1].ipMode: Unsupported value: "Tunnel": supported values: "Proxy", "VIP", status.loadBalancer.ingress[2].ipMode: Forbidden: may not be specified when `ip` is not set, status.loadBalancer.ingress[2].hostname: Invalid value: "203.0.113.10": must be a DNS name, not an IP address]',
    );
  });
  test("a port's appProtocol must be a qualified name, checked after its target port", async () => {
    const ok = await t.send("POST", SVC, { body: service("app-proto-ok", { ports: [{ port: 80, appProtocol: "kubernetes.io/h2c" }] }) });
    assert.equal(ok.status, 201, ok.text);
    const bad = await t.send("POST", SVC, { body: service("app-proto-bad", { ports: [{ port: 80, targetPort: "Bad_Name", appProtocol: "not valid!" }] }) });
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'Service "app-proto-bad" is invalid: [spec.ports[0].targetPort: Invalid value: "Bad_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), spec.ports[0].appProtocol: Invalid value: "not valid!": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')]',
    );
  });
});
