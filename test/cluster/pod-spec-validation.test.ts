/**
 * A pod spec as ValidatePodSpec checks it, in its order, for what the emulator models: volumes
 * (file sources' modes and paths, then named, unique), containers and init containers (unique names across both, mounts
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

  test("file volumes: modes within 0-0777, items with a key and a relative path, projected paths once, checked before the volume's name", async () => {
    assert.equal(
      await refused("modes", {
        volumes: [
          { name: "s", secret: { defaultMode: 644, items: [{ key: "", path: "/etc/x", mode: 511 }, { key: "k", path: "..x", mode: -1 }] } },
          { name: "c", configMap: { name: "conf", defaultMode: 420, items: [{ key: "k", path: "a/../b" }] } },
          { name: "d", downwardAPI: { defaultMode: 1000, items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" }, mode: 4095 }] } },
          { name: "Bad", projected: { defaultMode: 800, sources: [{ secret: { name: "one", items: [{ key: "a", path: "same" }] }, configMap: { name: "two" } }, { configMap: { name: "two", items: [{ key: "b", path: "same" }] } }] } },
        ],
        containers: [main({ volumeMounts: [{ name: "s", mountPath: "/s" }, { name: "c", mountPath: "/c" }] })],
      }),
      'Pod "modes" is invalid: [spec.volumes[0].secret.secretName: Required value, spec.volumes[0].secret.defaultMode: Invalid value: 644: must be a number between 0 and 0777 (octal), both inclusive, ' +
        "spec.volumes[0].secret.items[0].key: Required value, spec.volumes[0].secret.items[0].path: Invalid value: \"/etc/x\": must be a relative path, " +
        "spec.volumes[0].secret.items[1].path: Invalid value: \"..x\": must not start with '..', spec.volumes[0].secret.items[1].mode: Invalid value: -1: must be a number between 0 and 0777 (octal), both inclusive, " +
        "spec.volumes[1].configMap.items[0].path: Invalid value: \"a/../b\": must not contain '..', " +
        "spec.volumes[2].downwardAPI.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive, spec.volumes[2].downwardAPI.mode: Invalid value: 4095: must be a number between 0 and 0777 (octal), both inclusive, " +
        "spec.volumes[3].projected.defaultMode: Invalid value: 800: must be a number between 0 and 0777 (octal), both inclusive, spec.volumes[3].projected.sources[0]: Forbidden: may not specify more than 1 volume type, " +
        "spec.volumes[3].projected: Invalid value: \"two\": conflicting duplicate paths, spec.volumes[3].name: Invalid value: \"Bad\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'), " +
        'spec.containers[0].volumeMounts[0].name: Not found: "s", spec.containers[0].volumeMounts[1].name: Not found: "c"]',
    );
    const fine = await t.send("POST", PODS, { body: pod("modes-fine", { volumes: [{ name: "s", secret: { secretName: "x", defaultMode: 0o400, items: [{ key: "k", path: "dir/k", mode: 0o777 }] } }], containers: [main({ volumeMounts: [{ name: "s", mountPath: "/s" }] })] }) });
    assert.equal(fine.status, 201, fine.text);
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
