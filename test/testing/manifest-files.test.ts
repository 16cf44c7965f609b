/**
 * `readManifests` (`--cluster-objects`, `podfn/testing`) reads YAML as `kubectl apply -f` does:
 * sigs.k8s.io/yaml, go-yaml v2's YAML 1.1. `defaultMode: 0644` is octal (420), `suspend: yes` and
 * `hostNetwork: on` booleans, a timestamp its text (as go-yaml v2 gives it to an interface{});
 * base-60 numbers and words the `yaml` package's 1.1 floats would take (`e5`) stay strings.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readManifests } from "../../runtime/testing/index.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "podfn-manifest-files-"));
});
after(() => rm(dir, { recursive: true, force: true }));

async function read(text: string): Promise<Record<string, any>[]> {
  const file = join(dir, `m${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, text);
  return (await readManifests(file)) as Record<string, any>[];
}

test("YAML 1.1 as kubectl: a leading 0 is octal, yes/no/on/off (and y, n) are booleans", async () => {
  const [cronJob] = await read(`apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "0 3 * * *"
  suspend: yes
  jobTemplate:
    spec:
      template:
        spec:
          hostNetwork: on
          automountServiceAccountToken: NO
          enableServiceLinks: Off
          restartPolicy: Never
          containers: [{name: c, image: busybox}]
          volumes: [{name: v, secret: {secretName: s, defaultMode: 0644}}]
`);
  assert.equal(cronJob!.spec.suspend, true);
  const pod = cronJob!.spec.jobTemplate.spec.template.spec;
  assert.deepEqual([pod.hostNetwork, pod.automountServiceAccountToken, pod.enableServiceLinks], [true, false, false]);
  assert.equal(pod.volumes[0].secret.defaultMode, 0o644);
});

test("numbers and timestamps as go-yaml resolves them; what it does not take stays a string", async () => {
  const [cm] = await read(`apiVersion: v1
kind: ConfigMap
metadata:
  name: x
  annotations: {a: 1}
values: [0x1F, 0o17, 0b101, 1_000, +12, 1e3, .5, 08, "yes", !!str on, y, n, ~, 1:20, 190:20:30.15, e5, ., 1.2.3]
times: [2024-01-02, 2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.10, 2001-12-14T21:59:43+00:00, 2001-12-14T21:59:43, 2024-13-01]
`);
  assert.deepEqual(cm!.values, [31, 15, 5, 1000, 12, 1000, 0.5, 8, "yes", "on", true, false, null, "1:20", "190:20:30.15", "e5", ".", "1.2.3"]);
  assert.deepEqual(cm!.times, ["2024-01-02", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2001-12-14T21:59:43+00:00", "2001-12-14T21:59:43", "2024-13-01"]);
});

test("merge keys merge, !!binary is its text, a JSON file reads as before", async () => {
  const [cm] = await read(`apiVersion: v1
kind: ConfigMap
metadata: {name: m}
base: &base {team: ops, tier: "1"}
labels:
  <<: *base
  tier: "2"
blob: !!binary aGVsbG8=
`);
  assert.deepEqual(cm!.labels, { team: "ops", tier: "2" });
  assert.equal(cm!.blob, "hello");
  const [json] = await read(`{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}, "data": {"on": "yes", "n": "0777"}, "count": 1e3}`);
  assert.deepEqual(json!.data, { on: "yes", n: "0777" });
  assert.equal(json!.count, 1000);
});
