/**
 * Kinds kubectl's create commands send as protobuf, decoded as k8s.io/api generated.proto lays
 * them out: a ClusterRole's aggregationRule (`kubectl create clusterrole --aggregation-rule`),
 * an Ingress (`kubectl create ingress`), a ResourceQuota (`kubectl create quota`) and a Pod
 * (`kubectl debug --copy-to`, `kubectl debug node/...`).
 * The bodies are what kubectl v1.32.4 sent (fixture kubectl-creates.json).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { until } from "../../runtime/testing/index.js";
import { testCluster, type TestCluster } from "./helpers.js";

const bodies: Record<string, string> = JSON.parse(readFileSync(join(import.meta.dirname, "protobuf-fixtures", "kubectl-creates.json"), "utf8"));
const PROTOBUF = "application/vnd.kubernetes.protobuf";
const sent = (command: string) => Buffer.from(bodies[command]!, "base64");

describe("kinds kubectl creates with protobuf bodies", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("kubectl create clusterrole --aggregation-rule keeps the rule, and the role aggregates", async () => {
    const created = await t.send("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", {
      body: sent("kubectl create clusterrole agg3 --aggregation-rule=rbac.example.com/aggregate-to-agg=true"),
      contentType: PROTOBUF,
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { "rbac.example.com/aggregate-to-agg": "true" } }] });
    const part = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "part", labels: { "rbac.example.com/aggregate-to-agg": "true" } },
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }],
    };
    assert.equal((await t.send("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", { body: part })).status, 201);
    await until(async () => (await t.send("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/agg3")).body.rules?.length === 1, "agg3 aggregating part's rules");
  });

  test("kubectl create ingress: default backend, class, rules with their paths, TLS", async () => {
    const path = "/apis/networking.k8s.io/v1/namespaces/default/ingresses";
    const ing2 = await t.send("POST", path, { body: sent("kubectl create ingress ing2 --rule=foo.com/bar=svc1:8080,tls=my-cert --class=nginx --default-backend=defsvc:http"), contentType: PROTOBUF });
    assert.equal(ing2.status, 201, ing2.text);
    assert.deepEqual(ing2.body.spec, {
      ingressClassName: "nginx",
      defaultBackend: { service: { name: "defsvc", port: { name: "http" } } },
      tls: [{ hosts: ["foo.com"], secretName: "my-cert" }],
      rules: [{ host: "foo.com", http: { paths: [{ path: "/bar", pathType: "Exact", backend: { service: { name: "svc1", port: { number: 8080 } } } }] } }],
    });
    const ing3 = await t.send("POST", path, { body: sent("kubectl create ingress ing3 --rule=/path*=svc2:80"), contentType: PROTOBUF });
    assert.equal(ing3.status, 201, ing3.text);
    assert.deepEqual(ing3.body.spec, { rules: [{ http: { paths: [{ path: "/path", pathType: "Prefix", backend: { service: { name: "svc2", port: { number: 80 } } } }] } }] });
  });

  test("kubectl create quota: hard quantities and scopes", async () => {
    const q2 = await t.send("POST", "/api/v1/namespaces/default/resourcequotas", {
      body: sent("kubectl create quota q2 --hard=pods=5,requests.cpu=1,limits.memory=1Gi --scopes=NotBestEffort"),
      contentType: PROTOBUF,
    });
    assert.equal(q2.status, 201, q2.text);
    assert.deepEqual(q2.body.spec, { hard: { pods: "5", "requests.cpu": "1", "limits.memory": "1Gi" }, scopes: ["NotBestEffort"] });
  });

  test("kubectl debug --copy-to and kubectl debug node/...: the Pod is created as sent", async () => {
    const copy = await t.send("POST", "/api/v1/namespaces/default/pods", { body: sent("kubectl debug p2 --copy-to=p2-dbg --image=busybox --profile=general -- true"), contentType: PROTOBUF });
    assert.equal(copy.status, 201, copy.text);
    const spec = copy.body.spec;
    assert.deepEqual(spec.containers.map((c: any) => c.name), ["c", "debugger-xfdqb"]);
    assert.deepEqual(spec.containers[1].securityContext, { capabilities: { add: ["SYS_PTRACE"] } });
    assert.deepEqual(spec.containers[0].env, [{ name: "X", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } }]);
    assert.equal(spec.volumes[1].projected.sources[0].serviceAccountToken.expirationSeconds, 3607);
    assert.equal(spec.shareProcessNamespace, true);
    const node = await t.send("POST", "/api/v1/namespaces/default/pods", { body: sent("kubectl debug node/node-a --image=busybox --profile=general"), contentType: PROTOBUF });
    assert.equal(node.status, 201, node.text);
    assert.deepEqual(
      { hostNetwork: node.body.spec.hostNetwork, hostPID: node.body.spec.hostPID, hostIPC: node.body.spec.hostIPC, volumes: node.body.spec.volumes.slice(0, 1), tolerations: node.body.spec.tolerations },
      { hostNetwork: true, hostPID: true, hostIPC: true, volumes: [{ name: "host-root", hostPath: { path: "/", type: "" } }], tolerations: [{ operator: "Exists" }] },
    );
  });
});
