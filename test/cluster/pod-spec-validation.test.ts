/**
 * A pod spec as ValidatePodSpec checks it, in its order, for what the emulator models: volumes
 * (named, unique), containers and init containers (unique names across both, mounts
 * naming a volume at unique paths, pull policy, requests within limits — equal for resources
 * that cannot be overcommitted), the restart policy; and a workload's pods restarting Always.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const PODS = "/api/v1/namespaces/psv/pods";
const pod = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec });
const main = (extra: Record<string, unknown> = {}) => ({ name: "main", image: "busybox", ...extra });

describe("pod spec validation", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("psv");
  });
  after(() => t.close());

  const refused = async (name: string, spec: Record<string, unknown>) => {
    const answer = await t.send("POST", PODS, { body: pod(name, spec) });
    assert.equal(answer.status, 422, answer.text);
    return answer.body.message as string;
  };

  test("volumes: unique names (one without a type is an emptyDir); a mount must name one of them, at a path of its own", async () => {
    assert.equal(
      await refused("volumes", {
        volumes: [{ name: "data", emptyDir: {} }, { name: "data", emptyDir: {} }, { name: "typeless" }],
        containers: [main({ volumeMounts: [{ name: "data", mountPath: "/a" }, { name: "missing", mountPath: "/a" }, { name: "typeless", mountPath: "/b" }, { name: "", mountPath: "" }] })],
      }),
      'Pod "volumes" is invalid: [spec.volumes[1].name: Duplicate value: "data", spec.containers[0].volumeMounts[1].name: Not found: "missing", spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique, ' +
        'spec.containers[0].volumeMounts[3].name: Required value, spec.containers[0].volumeMounts[3].name: Not found: "", spec.containers[0].volumeMounts[3].mountPath: Required value]',
    );
    const answer = await t.send("POST", PODS, { body: pod("volumes-causes", { containers: [main({ volumeMounts: [{ name: "x", mountPath: "/x" }] })] }) });
    assert.deepEqual(answer.body.details.causes, [{ reason: "FieldValueNotFound", message: 'Not found: "x"', field: "spec.containers[0].volumeMounts[0].name" }]);
  });

  test("container names are unique across containers and init containers; pull and restart policies are known ones", async () => {
    assert.equal(
      await refused("names", { restartPolicy: "Sometimes", initContainers: [main()], containers: [main(), main({ imagePullPolicy: "Sometimes" })] }),
      'Pod "names" is invalid: [spec.containers[1].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never", spec.containers[1].name: Duplicate value: "main", ' +
        'spec.initContainers[0].name: Duplicate value: "main", spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"]',
    );
  });

  test("requests may not exceed limits, and must equal them for resources that cannot be overcommitted", async () => {
    assert.equal(
      await refused("requests", { containers: [main({ resources: { requests: { cpu: "2" }, limits: { cpu: "1500m" } } })] }),
      'Pod "requests" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1500m',
    );
    assert.equal(
      await refused("gpu", { containers: [main({ resources: { requests: { "example.com/gpu": "1" }, limits: { "example.com/gpu": "2" } } })] }),
      'Pod "gpu" is invalid: spec.containers[0].resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2',
    );
    const fine = await t.send("POST", PODS, { body: pod("fine", { volumes: [{ name: "data", emptyDir: {} }], containers: [main({ volumeMounts: [{ name: "data", mountPath: "/data" }], resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } })] }) });
    assert.equal(fine.status, 201, fine.text);
  });

  test("a Deployment's pods restart Always", async () => {
    const deployment = {
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
      spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { restartPolicy: "OnFailure", containers: [main()] } } },
    };
    const answer = await t.send("POST", "/apis/apps/v1/namespaces/psv/deployments", { body: deployment });
    assert.equal(answer.body.message, 'Deployment.apps "web" is invalid: spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"');
  });
});
