#!/usr/bin/env node
/**
 * Generates `runtime/testing/cluster/schema-1.32.ts`: the fields and types of every built-in
 * kind the emulated API server serves, as the Kubernetes 1.32 OpenAPI spec declares them, for
 * its strict decoding (unknown fields, wrong JSON types; `cluster/field-decoding`).
 *
 * Source: `@kubernetes/client-node@1.1.2`, the release generated from the v1.32.0 spec (its
 * models' `attributeTypeMap`s), fetched with `npm pack` into a temporary folder (or
 * `--from DIR`, an unpacked package). The spec's generator drops `resource.Quantity` to
 * `string`, so quantity fields are taken from `kubernetes-types` (1.30; the quantity fields
 * added since then are none of the served kinds').
 *
 *   node scripts/kube-schema.mjs [--from DIR]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const OUT = path.join(ROOT, "runtime/testing/cluster/schema-1.32.ts");
const CLIENT_NODE = "@kubernetes/client-node@1.1.2";

/** group/version/kind of each served kind (and request bodies) → the client-node model. */
const KINDS = {
  "v1/ConfigMap": "V1ConfigMap",
  "v1/Endpoints": "V1Endpoints",
  "v1/Event": "CoreV1Event",
  "v1/LimitRange": "V1LimitRange",
  "v1/Namespace": "V1Namespace",
  "v1/Node": "V1Node",
  "v1/PersistentVolume": "V1PersistentVolume",
  "v1/PersistentVolumeClaim": "V1PersistentVolumeClaim",
  "v1/Pod": "V1Pod",
  "v1/ReplicationController": "V1ReplicationController",
  "v1/ResourceQuota": "V1ResourceQuota",
  "v1/Secret": "V1Secret",
  "v1/ServiceAccount": "V1ServiceAccount",
  "v1/Service": "V1Service",
  "admissionregistration.k8s.io/v1/MutatingWebhookConfiguration": "V1MutatingWebhookConfiguration",
  "admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration": "V1ValidatingWebhookConfiguration",
  "apiextensions.k8s.io/v1/CustomResourceDefinition": "V1CustomResourceDefinition",
  "apps/v1/DaemonSet": "V1DaemonSet",
  "apps/v1/Deployment": "V1Deployment",
  "apps/v1/ReplicaSet": "V1ReplicaSet",
  "apps/v1/StatefulSet": "V1StatefulSet",
  "authentication.k8s.io/v1/SelfSubjectReview": "V1SelfSubjectReview",
  "authentication.k8s.io/v1/TokenReview": "V1TokenReview",
  "authentication.k8s.io/v1/TokenRequest": "AuthenticationV1TokenRequest",
  "authorization.k8s.io/v1/LocalSubjectAccessReview": "V1LocalSubjectAccessReview",
  "authorization.k8s.io/v1/SelfSubjectAccessReview": "V1SelfSubjectAccessReview",
  "authorization.k8s.io/v1/SelfSubjectRulesReview": "V1SelfSubjectRulesReview",
  "authorization.k8s.io/v1/SubjectAccessReview": "V1SubjectAccessReview",
  "autoscaling/v1/Scale": "V1Scale",
  "autoscaling/v2/HorizontalPodAutoscaler": "V2HorizontalPodAutoscaler",
  "batch/v1/CronJob": "V1CronJob",
  "batch/v1/Job": "V1Job",
  "coordination.k8s.io/v1/Lease": "V1Lease",
  "discovery.k8s.io/v1/EndpointSlice": "V1EndpointSlice",
  "events.k8s.io/v1/Event": "EventsV1Event",
  "networking.k8s.io/v1/Ingress": "V1Ingress",
  "networking.k8s.io/v1/IngressClass": "V1IngressClass",
  "networking.k8s.io/v1/NetworkPolicy": "V1NetworkPolicy",
  "policy/v1/Eviction": "V1Eviction",
  "policy/v1/PodDisruptionBudget": "V1PodDisruptionBudget",
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": "V1ClusterRoleBinding",
  "rbac.authorization.k8s.io/v1/ClusterRole": "V1ClusterRole",
  "rbac.authorization.k8s.io/v1/RoleBinding": "V1RoleBinding",
  "rbac.authorization.k8s.io/v1/Role": "V1Role",
};

function option(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function clientNodeModels() {
  let dir = option("--from");
  if (!dir) {
    const tmp = mkdtempSync(path.join(tmpdir(), "kube-schema-"));
    process.stderr.write(`fetching ${CLIENT_NODE} ...\n`);
    const file = execFileSync("npm", ["pack", CLIENT_NODE, "--silent"], { cwd: tmp, encoding: "utf8" }).trim().split("\n").pop();
    execFileSync("tar", ["xzf", file], { cwd: tmp });
    dir = path.join(tmp, "package");
  }
  const models = path.join(dir, "dist/gen/models");
  const spec = /OpenAPI spec version: (\S+)/.exec(readFileSync(path.join(models, "V1Pod.js"), "utf8"))?.[1];
  if (spec !== "v1.32.0") throw new Error(`${dir} was generated from ${spec}, not v1.32.0`);
  return createRequire(path.join(models, "index.js"));
}

/** "Struct.field" of every field kubernetes-types declares as a Quantity (or a map of them). */
function quantityFields() {
  const base = path.dirname(createRequire(import.meta.url).resolve("kubernetes-types/package.json"));
  const out = new Set();
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".d.ts")) scan(readFileSync(p, "utf8"));
    }
  };
  const scan = (text) => {
    let iface = "";
    let field = "";
    for (const line of text.split("\n")) {
      const i = /^export interface (\w+)/.exec(line);
      if (i) iface = i[1];
      const f = /^ {4}(\w+)\??: (.*)$/.exec(line);
      if (f) field = f[1];
      if (iface && field && /\bQuantity\b/.test(line) && !line.startsWith("import")) out.add(`${iface}.${field}`);
    }
  };
  walk(base);
  return out;
}

/** `V1Container` → `v1.Container`; `EventsV1Event` → `v1.Event`. */
function goName(model) {
  const m = /^(?:[A-Z][a-z]+)*?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/.exec(model);
  if (!m) throw new Error(`cannot name ${model}`);
  return `${m[1].toLowerCase()}.${m[2]}`;
}

function main() {
  const load = clientNodeModels();
  const quantities = quantityFields();
  const models = {};
  const pending = Object.values(KINDS);
  const typeOf = (t, format, key) => {
    if (t.startsWith("Array<")) return `[]${typeOf(t.slice(6, -1), format, key)}`;
    const map = /^\{ \[key: string\]: (.*); \}$/.exec(t);
    if (map) return `{}${typeOf(map[1], format, key)}`;
    switch (t) {
      case "string":
        if (quantities.has(key)) return "quantity";
        return format === "byte" ? "bytes" : "string";
      case "boolean":
        return "bool";
      case "number":
        return format === "int32" ? "int32" : format === "int64" ? "int64" : "float64";
      case "Date":
        return "time";
      case "V1MicroTime":
        return "microtime";
      case "IntOrString":
        return "intstr";
      case "any":
        return "any";
      default:
        if (!/^[A-Z]\w+$/.test(t)) throw new Error(`unknown type ${t} (${key})`);
        pending.push(t);
        return t;
    }
  };
  while (pending.length) {
    const name = pending.pop();
    if (models[name]) continue;
    const cls = load(`./${name}.js`)[name];
    const fields = {};
    models[name] = { go: goName(name), fields };
    for (const a of cls.attributeTypeMap) fields[a.baseName] = typeOf(a.type, a.format, `${goName(name).split(".")[1]}.${a.baseName}`);
  }
  const sorted = Object.fromEntries(Object.keys(models).sort().map((k) => [k, models[k]]));
  const text = `/**
 * @module cluster/schema-1.32
 * GENERATED by \`node scripts/kube-schema.mjs\` from ${CLIENT_NODE} (the Kubernetes v1.32.0
 * OpenAPI spec) and kubernetes-types' quantity fields: do not edit. For each served kind, its
 * model; for each model, its Go type name and its fields' types: \`string\`, \`bool\`, \`int32\`,
 * \`int64\`, \`float64\`, \`bytes\` (base64), \`quantity\`, \`intstr\`, \`time\`, \`microtime\`, \`any\`,
 * a model's name, \`[]T\` (a list) or \`{}T\` (a map with string keys).
 */

export interface Model {
  go: string;
  fields: Record<string, string>;
}

export const KINDS: Record<string, string> = ${JSON.stringify(KINDS, null, 2)};

export const MODELS: Record<string, Model> = ${JSON.stringify(sorted)};
`;
  writeFileSync(OUT, text);
  process.stderr.write(`wrote ${path.relative(ROOT, OUT)}: ${Object.keys(models).length} models\n`);
}

main();
