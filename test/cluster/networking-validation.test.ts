/**
 * networking.k8s.io/v1 (Ingress, IngressClass, NetworkPolicy) and discovery.k8s.io/v1
 * (EndpointSlice) as 1.32 serves them: the defaults a write gets, the 422 causes of what
 * pkg/apis/networking/validation and pkg/apis/discovery/validation refuse (their messages and
 * order), immutable fields, what bumps `metadata.generation`, and an Ingress's status checks.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const NET = "/apis/networking.k8s.io/v1";
const INGRESSES = `${NET}/namespaces/nw/ingresses`;
const POLICIES = `${NET}/namespaces/nw/networkpolicies`;
const SLICES = "/apis/discovery.k8s.io/v1/namespaces/nw/endpointslices";

const backend = (name: string, port: Record<string, unknown>) => ({ service: { name, port } });
const ingress = (name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name, ...metadata }, spec });
const policy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name }, spec });
const slice = (name: string, body: Record<string, unknown>) => ({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name }, ...body });
const causes = (res: { body: any }) => res.body.details.causes.map((c: { field: string; message: string }) => `${c.field}: ${c.message}`);

describe("networking and discovery types", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("nw");
  });
  after(() => t.close());

  const created = async (path: string, body: unknown) => {
    const res = await t.send("POST", path, { body });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const refused = async (path: string, body: unknown) => {
    const res = await t.send("POST", path, { body });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.reason, "Invalid");
    return res;
  };

  test("an Ingress is stored with an empty load balancer status and generation 1; spec changes bump it, labels do not", async () => {
    const body = await created(INGRESSES, { ...ingress("web", { rules: [{ host: "a.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: backend("web", { number: 80 }) }] } }] }), status: { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } } });
    assert.deepEqual(body.status, { loadBalancer: {} }, "a create's status is reset");
    assert.equal(body.metadata.generation, 1);
    const labelled = await t.send("PATCH", `${INGRESSES}/web`, { body: { metadata: { labels: { a: "b" } } }, contentType: "application/merge-patch+json" });
    assert.equal(labelled.body.metadata.generation, 1);
    const changed = await t.send("PATCH", `${INGRESSES}/web`, { body: { spec: { ingressClassName: "nginx" } }, contentType: "application/merge-patch+json" });
    assert.equal(changed.body.metadata.generation, 2);
  });

  test("an Ingress needs rules or a default backend; Go prints the missing rules as a nil slice", async () => {
    const res = await refused(INGRESSES, ingress("empty", {}));
    assert.equal(res.body.message, 'Ingress.networking.k8s.io "empty" is invalid: spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified');
    const emptyList = await refused(INGRESSES, ingress("empty", { rules: [] }));
    assert.match(emptyList.body.message, /spec: Invalid value: \[\]networking\.IngressRule\{\}: either/);
    await created(INGRESSES, ingress("default-only", { defaultBackend: backend("web", { name: "http" }) }));
  });

  test("hosts, paths, backends, TLS and the class are checked in upstream's order", async () => {
    const res = await refused(
      INGRESSES,
      ingress(
        "bad",
        {
          ingressClassName: "Nginx",
          tls: [{ hosts: ["*.ok.example.com", "bad_host"], secretName: "Bad_Secret" }],
          rules: [
            {
              host: "10.0.0.1",
              http: {
                paths: [
                  { path: "a//b/.", pathType: "Prefix", backend: backend("1web", { number: 70000 }) },
                  { path: "/x", backend: backend("web", { number: 80 }) },
                  { path: "/y", pathType: "Regex", backend: {} },
                  { path: "relative", pathType: "ImplementationSpecific", backend: { service: { name: "web", port: { name: "http", number: 80 } }, resource: { kind: "Bucket", name: "b" } } },
                  { path: "", pathType: "ImplementationSpecific", backend: { service: { name: "web", port: {} } } },
                  { path: "/r", pathType: "Exact", backend: { resource: { apiGroup: "k8s.example.com" } } },
                ],
              },
            },
            { host: "*.y.example.com", http: { paths: [] } },
            { host: "a.*.example.com" },
          ],
        },
        { annotations: { "kubernetes.io/ingress.class": "other" } },
      ),
    );
    const subdomain = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    assert.deepEqual(causes(res), [
      'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
      'spec.rules[0].http.paths[0].path: Invalid value: "a//b/.": must be an absolute path',
      "spec.rules[0].http.paths[0].path: Invalid value: \"a//b/.\": must not contain '//'",
      "spec.rules[0].http.paths[0].path: Invalid value: \"a//b/.\": cannot end with '/.'",
      "spec.rules[0].http.paths[0].backend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "spec.rules[0].http.paths[0].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive",
      "spec.rules[0].http.paths[1].pathType: Required value: pathType must be specified",
      'spec.rules[0].http.paths[2].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
      'spec.rules[0].http.paths[2].backend: Invalid value: "": resource or service backend is required',
      'spec.rules[0].http.paths[3].path: Invalid value: "relative": must be an absolute path',
      'spec.rules[0].http.paths[3].backend: Invalid value: "": cannot set both resource and service backends',
      "spec.rules[0].http.paths[4].backend: Required value: port name or number is required",
      "spec.rules[0].http.paths[5].backend.resource.kind: Required value: kind is required",
      "spec.rules[0].http.paths[5].backend.resource.name: Required value: name is required",
      "spec.rules[1].http.paths: Required value",
      "spec.rules[2].host: Invalid value: \"a.*.example.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      `spec.tls[0].hosts[1]: Invalid value: "bad_host": ${subdomain}`,
      `spec.tls[0].secretName: Invalid value: "Bad_Secret": ${subdomain}`,
      `spec.ingressClassName: Invalid value: "Nginx": ${subdomain}`,
      'annotations.kubernetes.io/ingress.class: Invalid value: "other": must match `ingressClassName` when both are specified',
    ]);
  });

  test("the class annotation is only compared on create; a status update checks the load balancer's addresses", async () => {
    await created(INGRESSES, ingress("lb", { ingressClassName: "nginx", defaultBackend: backend("web", { number: 80 }) }, { annotations: { "kubernetes.io/ingress.class": "nginx" } }));
    const update = await t.send("PATCH", `${INGRESSES}/lb`, { body: { metadata: { annotations: { "kubernetes.io/ingress.class": "other" } } }, contentType: "application/merge-patch+json" });
    assert.equal(update.status, 200, update.text);
    const bad = await t.send("PUT", `${INGRESSES}/lb/status`, { body: { ...update.body, status: { loadBalancer: { ingress: [{ ip: "300.1.1.1" }, { hostname: "10.0.0.9" }, { ip: "010.0.0.1", hostname: "lb.example.com" }] } } } });
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual(causes(bad), [
      'status.loadBalancer.ingress[0].ip: Invalid value: "300.1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'status.loadBalancer.ingress[1].hostname: Invalid value: "10.0.0.9": must be a DNS name, not an IP address',
    ]);
    const good = await t.send("PATCH", `${INGRESSES}/lb/status`, { body: { status: { loadBalancer: { ingress: [{ ip: "203.0.113.9" }] } } }, contentType: "application/merge-patch+json" });
    assert.equal(good.status, 200, good.text);
    assert.deepEqual(good.body.status.loadBalancer.ingress, [{ ip: "203.0.113.9" }]);
  });

  test("an IngressClass: parameters default to Cluster scope; the controller is a domain-prefixed path and never changes", async () => {
    const classes = `${NET}/ingressclasses`;
    const nginx = await created(classes, { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "nginx" }, spec: { controller: "k8s.io/ingress-nginx", parameters: { kind: "P", name: "p" } } });
    assert.equal(nginx.spec.parameters.scope, "Cluster");
    assert.equal(nginx.metadata.generation, 1);
    const bad = await refused(classes, { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "bad" }, spec: { controller: "nginx", parameters: { kind: "P", name: "a/b", scope: "Namespace" } } });
    assert.deepEqual(causes(bad), [
      'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
      "spec.parameters.name: Invalid value: \"a/b\": may not contain '/'",
      "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
    ]);
    const cluster = await refused(classes, { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "bad" }, spec: { controller: "example.com/a b", parameters: { kind: "P", name: "p", scope: "Cluster", namespace: "x" } } });
    assert.deepEqual(causes(cluster), [
      "spec.controller: Invalid value: \"a b\": Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')",
      "spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'",
    ]);
    const changed = await t.send("PATCH", `${classes}/nginx`, { body: { spec: { controller: "nginx" } }, contentType: "application/merge-patch+json" });
    assert.equal(changed.status, 422);
    assert.deepEqual(causes(changed), ['spec.controller: Invalid value: "nginx": field is immutable', 'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']);
  });

  test("a NetworkPolicy: ports default to TCP, policy types to Ingress (and Egress with egress rules)", async () => {
    const ingressOnly = await created(POLICIES, policy("in", { podSelector: {}, ingress: [{ ports: [{ port: 80 }, { port: "http", protocol: "UDP" }] }] }));
    assert.deepEqual(ingressOnly.spec.policyTypes, ["Ingress"]);
    assert.deepEqual(ingressOnly.spec.ingress[0].ports, [{ protocol: "TCP", port: 80 }, { protocol: "UDP", port: "http" }]);
    const both = await created(POLICIES, policy("out", { podSelector: { matchLabels: { app: "a" } }, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }] }] }));
    assert.deepEqual(both.spec.policyTypes, ["Ingress", "Egress"]);
    const named = await created(POLICIES, policy("named", { podSelector: {}, egress: [{}], policyTypes: ["Egress"] }));
    assert.deepEqual(named.spec.policyTypes, ["Egress"], "given types are kept");
  });

  test("a NetworkPolicy's selectors, ports, peers and policy types are checked as 1.32 words it", async () => {
    const res = await refused(
      POLICIES,
      policy("bad", {
        podSelector: { matchExpressions: [{ key: "app", operator: "In" }, { key: "x", operator: "Exists", values: ["a"] }, { key: "y", operator: "Foo", values: ["b c"] }] },
        ingress: [{
          ports: [{ port: "http", endPort: 90 }, { port: 100, endPort: 90, protocol: "ICMP" }, { endPort: 5 }, { port: 0 }],
          from: [{}, { ipBlock: { cidr: "10.0.0.0/8", except: ["11.0.0.0/16", "10.0.0.0/8", "nope", "10.2.0.0/16"] }, podSelector: {} }, { ipBlock: { cidr: "" } }, { ipBlock: { cidr: "10.0.0.0/33" } }],
        }],
        policyTypes: ["Ingress", "Egress", "Other"],
      }),
    );
    assert.deepEqual(causes(res), [
      "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.podSelector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.podSelector.matchExpressions[2].operator: Invalid value: "Foo": not a valid selector operator',
      "spec.podSelector.matchExpressions[2].values[0]: Invalid value: \"b c\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      "spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
      'spec.ingress[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      "spec.ingress[0].ports[1].endPort: Invalid value: 100: must be greater than or equal to `port`",
      "spec.ingress[0].ports[2].endPort: Invalid value: 5: may not be specified when `port` is not specified",
      "spec.ingress[0].ports[3].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      "spec.ingress[0].from[0]: Required value: must specify a peer",
      'spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "11.0.0.0/16": must be a strict subset of `cidr`',
      'spec.ingress[0].from[1].ipBlock.except[1]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
      'spec.ingress[0].from[1].ipBlock.except[2]: Invalid value: "nope": not a valid CIDR',
      "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer",
      "spec.ingress[0].from[2].ipBlock.cidr: Required value",
      'spec.ingress[0].from[3].ipBlock.cidr: Invalid value: "10.0.0.0/33": not a valid CIDR',
      'spec.policyTypes: Invalid value: []networking.PolicyType{"Ingress", "Egress", "Other"}: may not specify more than two policyTypes',
    ]);
    const type = await refused(POLICIES, policy("type", { podSelector: {}, policyTypes: ["ingress"], egress: [{ to: [{ ipBlock: { cidr: "fd00::/8", except: ["fd00:1::/32", "010.0.0.0/8"] } }] }] }));
    assert.deepEqual(causes(type), ['spec.egress[0].to[0].ipBlock.except[1]: Invalid value: "010.0.0.0/8": must be a strict subset of `cidr`', 'spec.policyTypes[0]: Unsupported value: "ingress": supported values: "Ingress", "Egress"']);
  });

  test("an EndpointSlice: ports default to an empty name and TCP; labels bump the generation; the address type never changes", async () => {
    const body = await created(SLICES, slice("web-1", { addressType: "IPv4", ports: [{ port: 80 }], endpoints: [{ addresses: ["10.1.2.3"] }] }));
    assert.deepEqual(body.ports, [{ name: "", protocol: "TCP", port: 80 }]);
    assert.equal(body.metadata.generation, 1);
    const labelled = await t.send("PATCH", `${SLICES}/web-1`, { body: { metadata: { labels: { "kubernetes.io/service-name": "web" } } }, contentType: "application/merge-patch+json" });
    assert.equal(labelled.body.metadata.generation, 2, "EndpointSlice's strategy counts labels");
    const annotated = await t.send("PATCH", `${SLICES}/web-1`, { body: { metadata: { annotations: { a: "b" } } }, contentType: "application/merge-patch+json" });
    assert.equal(annotated.body.metadata.generation, 2, "but not annotations");
    const retyped = await t.send("PATCH", `${SLICES}/web-1`, { body: { addressType: "FQDN" }, contentType: "application/merge-patch+json" });
    assert.equal(retyped.status, 422);
    assert.deepEqual(causes(retyped), ['addressType: Invalid value: "FQDN": field is immutable'], "10.1.2.3 reads as a domain name: only the type is refused");
  });

  test("an EndpointSlice: IPv4-mapped addresses are IPv4, the retired IP type is refused, node names, topology and zone hints are checked, 20,000 ports allowed", async () => {
    await created(SLICES, slice("mapped", { addressType: "IPv4", endpoints: [{ addresses: ["::ffff:10.0.0.9"] }] }));
    const mapped = await refused(SLICES, slice("mapped-6", { addressType: "IPv6", endpoints: [{ addresses: ["::ffff:10.0.0.9", "::ffff:0.0.0.0"] }] }));
    assert.deepEqual(causes(mapped), [
      'endpoints[0].addresses[0]: Invalid value: "::ffff:10.0.0.9": must be a valid IPv6 address',
      'endpoints[0].addresses[1]: Invalid value: "::ffff:0.0.0.0": must be a valid IPv6 address',
      'endpoints[0].addresses[1]: Invalid value: "::ffff:0.0.0.0": may not be unspecified (::ffff:0.0.0.0)',
    ]);
    const retired = await t.send("PATCH", `${SLICES}/mapped`, { body: { addressType: "IP" }, contentType: "application/merge-patch+json" });
    assert.deepEqual(causes(retired), ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"', 'addressType: Invalid value: "IP": field is immutable']);
    const zones = Array.from({ length: 2 }, () => ({ name: "zone-a" }));
    const details = await refused(SLICES, slice("details", { addressType: "IPv4", endpoints: [{ addresses: ["10.0.0.1"], nodeName: "Node_1", deprecatedTopology: { "bad key!": "x" }, hints: { forZones: [...zones, { name: "bad zone" }] } }] }));
    assert.deepEqual(causes(details).map((c: string) => c.split(": ").slice(0, 2).join(": ")), [
      'endpoints[0].nodeName: Invalid value',
      "endpoints[0].deprecatedTopology: Invalid value",
      'endpoints[0].hints.forZones[1].name: Duplicate value',
      'endpoints[0].hints.forZones[2].name: Invalid value',
    ]);
    const ports = Array.from({ length: 101 }, (_, i) => ({ name: `p${i}`, port: 1000 + i }));
    await created(SLICES, slice("many-ports", { addressType: "IPv4", ports, endpoints: [] }));
  });

  test("an EndpointSlice's address type, addresses, hostnames and ports are checked", async () => {
    const none = await refused(SLICES, slice("none", {}));
    assert.deepEqual(causes(none), ["addressType: Required value"]);
    const ip = await refused(SLICES, slice("ip", { addressType: "IP", endpoints: [] }));
    assert.deepEqual(causes(ip), ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']);
    const res = await refused(SLICES, slice("bad", {
      addressType: "IPv4",
      ports: [{ port: 80, name: "http" }, { port: 81, name: "http", protocol: "ICMP", appProtocol: "a b" }, { name: "Web" }],
      endpoints: [{ addresses: [] }, { addresses: ["127.0.0.1", "fe80::1", "0.0.0.0", "10.0.0.1"], hostname: "Bad_Host" }],
    }));
    assert.deepEqual(causes(res), [
      "endpoints[0].addresses: Required value: must contain at least 1 address",
      'endpoints[1].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'endpoints[1].addresses[1]: Invalid value: "fe80::1": must be a valid IPv4 address',
      'endpoints[1].addresses[1]: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      'endpoints[1].addresses[2]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
      "endpoints[1].hostname: Invalid value: \"Bad_Host\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      'ports[1].name: Duplicate value: "http"',
      'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      "ports[1].appProtocol: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "ports[2].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
    const fqdn = await refused(SLICES, slice("fqdn", { addressType: "FQDN", endpoints: [{ addresses: ["localhost", "ok.example.com.", "a_b.example.com"] }] }));
    assert.deepEqual(causes(fqdn).map((c: string) => c.slice(0, 80)), [
      'endpoints[0].addresses[0]: Invalid value: "localhost": should be a domain with at least two segments separated by dots'.slice(0, 80),
      'endpoints[0].addresses[2]: Invalid value: "a_b.example.com": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters'.slice(0, 80),
    ]);
  });
});
