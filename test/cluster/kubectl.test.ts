/**
 * Real kubectl (1.32) against the emulated cluster: get, create -f, apply --server-side, delete,
 * auth can-i, auth whoami, create token, create rolebinding, and the typed-client creates that
 * send protobuf (create job/cronjob/deployment/service). Skipped when kubectl is not on PATH.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { kubectlCluster, type KubectlCluster } from "./helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);

const MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: kc
data:
  k: v
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: kc
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: main
        image: nginx:1.27
`;

describe("kubectl against the emulated cluster", { skip: hasKubectl ? false : "kubectl is not on PATH" }, () => {
  let t: KubectlCluster;
  const kubectl = (...args: string[]) => t.kubectl(...args);

  before(async () => {
    t = await kubectlCluster({ "manifest.yaml": MANIFEST });
  });
  after(() => t.close());

  test("get namespaces", async () => {
    const out = await kubectl("get", "ns");
    assert.match(out, /^NAME\s+STATUS\s+AGE\n/);
    for (const ns of ["default", "kube-node-lease", "kube-public", "kube-system"]) assert.match(out, new RegExp(`^${ns}\\s`, "m"));
  });

  test("create -f, apply --server-side, get -o json, delete -f", async () => {
    await kubectl("create", "namespace", "kc");
    assert.match(await kubectl("create", "-f", join(t.dir, "manifest.yaml")), /configmap\/settings created\ndeployment.apps\/web created/);
    await writeFile(join(t.dir, "manifest.yaml"), MANIFEST.replace("k: v", "k: w"));
    // kubectl-create owns data.k: a changed value is the apply conflict, until forced.
    const clash = await run("kubectl", ["--kubeconfig", t.kubeconfig, "apply", "--server-side", "-f", join(t.dir, "manifest.yaml")]).catch((e: { stderr: string }) => e);
    assert.match(clash.stderr, /^error: Apply failed with 1 conflict: conflict with "kubectl-create" using v1: \.data\.k\n/);
    assert.match(await kubectl("apply", "--server-side", "--force-conflicts", "-f", join(t.dir, "manifest.yaml")), /configmap\/settings serverside-applied/);
    const cm = JSON.parse(await kubectl("get", "configmap", "settings", "-n", "kc", "-o", "json"));
    assert.deepEqual(cm.data, { k: "w" });
    assert.match(await kubectl("delete", "-f", join(t.dir, "manifest.yaml")), /configmap "settings" deleted/);
    assert.equal((await t.send("GET", "/api/v1/namespaces/kc/configmaps/settings")).status, 404);
  });

  test("auth whoami, create token, auth can-i, create rolebinding", async () => {
    assert.match(await kubectl("auth", "whoami"), /system:admin/);
    await t.cluster.serviceAccount("kc2", "robot");
    const token = (await kubectl("create", "token", "robot", "-n", "kc2", "--duration=20m")).trim();
    assert.match(token, /^eyJ/);
    assert.match(await kubectl("auth", "whoami", "--token", token), /system:serviceaccount:kc2:robot/);
    const denied = await run("kubectl", ["--kubeconfig", t.kubeconfig, "auth", "can-i", "list", "pods", "-n", "kc2", "--token", token]).catch((e: { stdout: string }) => e);
    assert.equal(denied.stdout.trim(), "no");
    assert.match(await kubectl("create", "rolebinding", "robot-view", "--clusterrole=view", "--serviceaccount=kc2:robot", "-n", "kc2"), /rolebinding.rbac.authorization.k8s.io\/robot-view created/);
    assert.equal((await kubectl("auth", "can-i", "list", "pods", "-n", "kc2", "--token", token)).trim(), "yes");
    assert.match(await kubectl("get", "pods", "-n", "kc2", "--token", token), /^$/);
    // --as: the admin asks for the robot, and gets the robot's answers.
    const as = "--as=system:serviceaccount:kc2:robot";
    assert.equal((await kubectl("auth", "can-i", "list", "pods", "-n", "kc2", as)).trim(), "yes");
    const cannot = await run("kubectl", ["--kubeconfig", t.kubeconfig, "auth", "can-i", "delete", "pods", "-n", "kc2", as]).catch((e: { stdout: string }) => e);
    assert.equal(cannot.stdout.trim(), "no");
    assert.match(await kubectl("auth", "whoami", as), /system:serviceaccount:kc2:robot/);
  });

  test("create job, cronjob, deployment and service (protobuf bodies)", async () => {
    await kubectl("create", "namespace", "pb");
    assert.match(await kubectl("create", "job", "once", "--image=busybox", "-n", "pb", "--", "true"), /job.batch\/once created/);
    assert.match(await kubectl("create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *", "-n", "pb"), /cronjob.batch\/tick created/);
    assert.match(await kubectl("create", "deployment", "web", "--image=nginx", "--replicas=0", "-n", "pb"), /deployment.apps\/web created/);
    assert.match(await kubectl("create", "service", "clusterip", "web", "--tcp=80:8080", "-n", "pb"), /service\/web created/);
    const job = (await t.send("GET", "/apis/batch/v1/namespaces/pb/jobs/once")).body;
    assert.deepEqual(job.spec.template.spec.containers.map((c: any) => [c.name, c.image, c.command]), [["once", "busybox", ["true"]]]);
    assert.equal(job.spec.template.spec.restartPolicy, "Never");
    assert.equal(job.metadata.managedFields[0].manager, "kubectl-create");
    const cron = (await t.send("GET", "/apis/batch/v1/namespaces/pb/cronjobs/tick")).body;
    assert.equal(cron.spec.schedule, "*/5 * * * *");
    assert.equal(cron.spec.jobTemplate.metadata.name, "tick");
    assert.equal(cron.spec.jobTemplate.spec.template.spec.restartPolicy, "OnFailure");
    const deploy = (await t.send("GET", "/apis/apps/v1/namespaces/pb/deployments/web")).body;
    assert.equal(deploy.spec.replicas, 0, "a pointer field keeps its zero value");
    assert.deepEqual(deploy.spec.selector, { matchLabels: { app: "web" } });
    assert.deepEqual(deploy.spec.template.metadata.labels, { app: "web" });
    assert.equal(deploy.spec.strategy.type, "RollingUpdate");
    const svc = (await t.send("GET", "/api/v1/namespaces/pb/services/web")).body;
    assert.equal(svc.spec.type, "ClusterIP");
    assert.deepEqual(svc.spec.ports, [{ name: "80-8080", protocol: "TCP", port: 80, targetPort: 8080 }]);
    assert.deepEqual(svc.spec.selector, { app: "web" });
    assert.match(await kubectl("get", "jobs", "-n", "pb"), /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\nonce\s+Running\s+0\/1\s+\d+s\n/);
    assert.match(await kubectl("get", "deploy,svc", "-n", "pb"), /NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ndeployment.apps\/web\s+0\/0\s+0\s+0\s+\d+s\n[\s\S]*NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nservice\/web\s+ClusterIP\s+10\.96\.\S+\s+<none>\s+80\/TCP\s+\d+s\n/);
  });
});
