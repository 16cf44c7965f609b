/**
 * @module testing/manifest-files
 * `--cluster-objects`: manifests read from a file or a folder (its `*.yaml`, `*.yml` and
 * `*.json` files by name, not its subfolders, as `kubectl apply -f DIR`), every YAML document
 * and every `List`'s items, and applied to the emulated cluster as it starts: Namespaces and
 * CustomResourceDefinitions first (the CRD controllers establish them at once), then the rest
 * in file order. A file that does not parse, a document that is no object with `apiVersion`
 * and `kind`, or an object the server refuses stops the start (`bad_manifest`: the user's to
 * fix, exit 2), the file and document, or the object, named. YAML is read as kubectl reads it,
 * with the emulated API server's reader of apply bodies (cluster/apply-yaml.ts: go-yaml v2's
 * YAML 1.1, `0644` octal, `yes`/`on` booleans, merge keys).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import type { KubeClient, KubeObject } from "../kube/api.js";
import { PodfnError } from "../errors.js";
import { applyObjects } from "./apply.js";
import { readYamlDocuments } from "./cluster/index.js";

const EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/** Raised for a manifest that cannot be read, with its file (and document) named. */
export class ManifestError extends PodfnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("bad_manifest", message, options);
  }
}

async function filesOf(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new ManifestError(`--cluster-objects ${path}: no such file or folder`);
  }
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => EXTENSIONS.has(extname(n))).sort();
  return names.map((n) => join(path, n));
}

/** The objects of one file: each document, a `List` (`kind: List` or `*List`) unpacked. */
function objectsOf(file: string, text: string): KubeObject[] {
  const out: KubeObject[] = [];
  const at = (i: number) => `${file}${i > 0 ? ` (document ${i + 1})` : ""}`;
  let documents;
  try {
    documents = readYamlDocuments(text);
  } catch (error) {
    const { message, documentIndex } = error as Error & { documentIndex?: number };
    throw new ManifestError(`${at(documentIndex ?? 0)}: ${message.split("\n")[0]}`, { cause: error });
  }
  documents.forEach(({ value }, i) => {
    const where = at(i);
    if (value === null || value === undefined) return;
    const items = isList(value) ? (value as { items: unknown[] }).items : [value];
    for (const item of items) {
      if (!item || typeof item !== "object" || Array.isArray(item) || !(item as KubeObject).apiVersion || !(item as KubeObject).kind) {
        throw new ManifestError(`${where}: not a Kubernetes object (an object with apiVersion and kind)`);
      }
      out.push(item as KubeObject);
    }
  });
  return out;
}

function isList(value: unknown): boolean {
  const v = value as { kind?: unknown; items?: unknown };
  return typeof v?.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items);
}

/** Every object of the manifests at `path`, Namespaces and CRDs first. */
export async function readManifests(path: string): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const file of await filesOf(path)) objects.push(...objectsOf(file, await readFile(file, "utf8")));
  const first = (o: KubeObject) => (o.kind === "Namespace" ? 0 : o.kind === "CustomResourceDefinition" ? 1 : 2);
  return objects.map((o, i) => ({ o, i })).sort((a, b) => first(a.o) - first(b.o) || a.i - b.i).map(({ o }) => o);
}

/**
 * Applies the manifests at `path` as `admin`; returns how many objects, and how many were CRDs.
 * An object the server refuses stops it, named with the server's reason.
 */
export async function applyManifests(admin: KubeClient, path: string): Promise<{ objects: number; crds: number }> {
  const objects = await readManifests(path);
  for (const o of objects) {
    try {
      await applyObjects(admin, [o]);
    } catch (error) {
      const where = o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata?.name ?? ""}` : (o.metadata?.name ?? "");
      throw new ManifestError(`--cluster-objects ${path}: ${o.kind} ${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return { objects: objects.length, crds: objects.filter((o) => o.kind === "CustomResourceDefinition").length };
}
