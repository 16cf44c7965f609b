/**
 * @module commands/manifests
 * `podfn manifests [--image IMG] [--namespace NS] [--out DIR] [--app NAME] [--replicas N]
 * [--max-replicas N] [--pdb [WORKLOAD,...]] [--network-policy [--metrics-namespaces NS,...]] [--cpu-request Q] [--memory-request Q] [--cpu-limit Q|none]
 * [--memory-limit Q|none]`, each sizing value for every workload and/or per workload (`2,public=4`:
 * per-workload.ts): write the Kubernetes manifests of the functions (least-privilege
 * RBAC per workload, the HTTP Deployment and Service, one CronJob per schedule) and a
 * `Kustomization` (kustomize's name for it without an extension, so `kubectl apply -f` of the folder
 * skips it). Files it wrote before for functions that are gone are removed; other
 * files in the folder are left alone.
 */
import { realpathSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { folderFailure, makeDirectory } from "../make-directory.js";
import { join, resolve } from "node:path";
import { loadFunctions } from "../loader.js";
import { generateManifests, renderGroups } from "../deploy/index.js";
import { GENERATED_MARK, KUSTOMIZATION_FILE } from "../deploy/render.js";
import { manifestWarnings } from "../deploy/warnings.js";
import { declaredScopes } from "../deploy/scopes.js";
import { resourceNotes } from "../deploy/resource-notes.js";
import { replicaHandoverNotes } from "../deploy/replica-handover.js";
import { egressNotes } from "../deploy/egress.js";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../kube/api.js";
import { defineCommand } from "./define.js";
import { ConfigError } from "../errors.js";
import type { PerWorkload } from "../per-workload.js";

const HELP = `Usage: podfn manifests [--image IMG] [--namespace NS] [--out DIR]

Writes one YAML file per workload (http.yaml, workload-<name>.yaml, cronjob-<function>.yaml),
with admission webhooks admission.yaml (admission-<name>.yaml for a named workload's: their
webhook configurations and cert-manager's Issuer and Certificate), and Kustomization. Apply
them with: kubectl apply -k <out>

Sizing options (--replicas, --max-replicas, --cpu-request, --memory-request, --cpu-limit,
--memory-limit) take a value for every serving workload and/or workload=value for some, and
--pdb the workloads it is for (http is the default workload; CronJobs take the value for every
workload): --replicas 2,public=4 --max-replicas public=10 --pdb public,http --memory-limit 512Mi,public=1Gi
`;

/** Whether a file was written by `podfn manifests` (its first line is the generated header). */
async function isGenerated(path: string): Promise<boolean> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.startsWith(GENERATED_MARK);
}

/**
 * The objects of the files `podfn manifests` wrote before in `out` (none when it is new or
 * unreadable, a document that is not an object skipped): what the new manifests replace.
 */
async function previousObjects(out: string): Promise<KubeObject[]> {
  const names = await readdir(out).catch(() => [] as string[]);
  const objects: KubeObject[] = [];
  for (const name of names.filter((n) => n.endsWith(".yaml")).sort()) {
    const text = await readFile(join(out, name), "utf8").catch(() => "");
    if (!text.startsWith(GENERATED_MARK)) continue;
    for (const document of parseAllDocuments(text)) {
      const object: unknown = document.errors.length === 0 ? document.toJS() : undefined;
      if (object && typeof object === "object" && !Array.isArray(object)) objects.push(object as KubeObject);
    }
  }
  return objects;
}

/** The path with its links followed (as it is when it does not exist). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** A limit option's values as `ManifestOptions` takes them: `none` is no limit (null), absent is the default. */
function limit(name: "cpu" | "memory", given: PerWorkload<string> | undefined): Record<string, PerWorkload<string | null>> {
  if (given === undefined) return {};
  const value = (text: string) => (text === "none" ? null : text);
  const workloads = Object.fromEntries(Object.entries(given.workloads).map(([workload, text]) => [workload, value(text)]));
  return { [name]: { ...(given.default !== undefined ? { default: value(given.default) } : {}), workloads } };
}

/** The given ones of `amounts`, by name. */
function given<T>(amounts: Record<string, T | undefined>): Record<string, T> {
  return Object.fromEntries(Object.entries(amounts).filter((e): e is [string, T] => e[1] !== undefined));
}

export const manifestsCommand = defineCommand({
  name: "manifests",
  summary: "Write Kubernetes manifests.",
  help: HELP,
  async run(config, _positionals, io) {
    const functions = await loadFunctions(config.functions, { cwd: io.cwd });
    // Manifests for no function would deploy an app that does nothing: surely the wrong folder.
    if (functions.length === 0) throw new ConfigError(`--functions ${config.functions}: no functions there, so nothing to deploy (the folder of your handler modules, e.g. functions/)`);
    const options = {
      app: config.app,
      namespace: config.namespace ?? "default",
      image: config.image,
      ...(config.replicas !== undefined ? { replicas: config.replicas } : {}),
      ...(config.maxReplicas !== undefined ? { maxReplicas: config.maxReplicas } : {}),
      ...(config.pdb !== undefined ? { pdb: config.pdb } : {}),
      networkPolicy: config.networkPolicy,
      ...(config.metricsNamespaces !== undefined ? { metricsNamespaces: config.metricsNamespaces.split(",").map((n) => n.trim()) } : {}),
      ...(config.egressCidrs !== undefined ? { egressCidrs: config.egressCidrs.split(",").map((c) => c.trim()) } : {}),
      resources: {
        requests: given({ cpu: config.cpuRequest, memory: config.memoryRequest }),
        limits: { ...limit("cpu", config.cpuLimit), ...limit("memory", config.memoryLimit) },
      },
      env: config.env,
    };
    const groups = generateManifests(functions, options);
    const files = renderGroups(groups);
    const out = resolve(io.cwd, config.out);
    const previous = await previousObjects(out);
    // kustomize takes one kustomization file per folder, of its three names: a user's own would make the folder unusable.
    for (const name of ["kustomization.yaml", "kustomization.yml"]) {
      const text = await readFile(join(out, name), "utf8").catch(() => undefined);
      if (text !== undefined && !text.startsWith(GENERATED_MARK)) {
        throw new ConfigError(`--out ${config.out}: ${name} there is not one podfn manifests wrote, and kustomize refuses a folder with two kustomization files (podfn writes ${KUSTOMIZATION_FILE}): give --out a folder of its own and list it in your kustomization's resources`);
      }
    }
    try {
      await makeDirectory(out);
      const keep = new Set(files.map((f) => f.path));
      for (const name of await readdir(out)) {
        if (name.endsWith(".yaml") && !keep.has(name) && (await isGenerated(join(out, name)))) await rm(join(out, name));
      }
      for (const file of files) await writeFile(join(out, file.path), file.content);
    } catch (error) {
      throw new ConfigError(`--out ${config.out}: cannot write the manifests there (${folderFailure(error)})`, { cause: error });
    }
    io.stdout(`wrote ${files.length} files to ${config.out}: ${files.map((f) => f.path).join(", ")}\n`);
    const objects = groups.flatMap((g) => g.objects);
    const notes = [...manifestWarnings(objects, config.image, declaredScopes(functions)), ...resourceNotes(objects, functions), ...replicaHandoverNotes(previous, objects), ...egressNotes(functions, options)];
    for (const note of notes) io.stderr(`note: ${note}\n`);
    // The image the manifests run must hold these functions: deploy/Dockerfile builds `functions/`.
    if (realPath(resolve(io.cwd, config.functions)) !== realPath(resolve(io.cwd, "functions"))) {
      io.stderr(`note: these manifests grant what the functions in ${config.functions} declare; deploy/Dockerfile builds the functions in functions/, so build the image from ${config.functions} (its COPY functions line) or the pods run other functions than these RBAC rules are for\n`);
    }
    return 0;
  },
});
