/**
 * @module cluster/discovery
 * The discovery documents for the types the server serves: `/version`, `/api`, `/apis`,
 * `/api/v1`, `/apis/GROUP/VERSION` (legacy), and the aggregated `APIGroupDiscoveryList` that
 * kubectl 1.32 asks for first (`Accept: ...;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`;
 * negotiated in `aggregated-discovery`).
 * Shapes follow the real server's; `storageVersionHash` is omitted. Custom types appear as
 * soon as they are registered.
 */
import { crdTerminating } from "./crd-controller.js";
import type { Registry } from "./registry.js";
import type { ResourceDef, Subresource } from "./resources.js";

/** `/version` of a 1.32 server. */
export function versionInfo(): Record<string, string> {
  return {
    major: "1",
    minor: "32",
    gitVersion: "v1.32.6",
    gitCommit: "podfn-emulated",
    gitTreeState: "clean",
    buildDate: "2025-01-01T00:00:00Z",
    goVersion: "go1.23.5",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

interface SubresourceFacts {
  kind: (d: ResourceDef) => string;
  group?: string;
  version?: string;
  verbs: string[];
}

const SUBRESOURCES: Record<Subresource, SubresourceFacts> = {
  status: { kind: (d) => d.kind, verbs: ["get", "patch", "update"] },
  scale: { kind: () => "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"] },
  log: { kind: (d) => d.kind, verbs: ["get"] },
  eviction: { kind: () => "Eviction", group: "policy", version: "v1", verbs: ["create"] },
  token: { kind: () => "TokenRequest", group: "authentication.k8s.io", version: "v1", verbs: ["create"] },
  finalize: { kind: (d) => d.kind, verbs: ["update"] },
  exec: { kind: () => "PodExecOptions", verbs: ["create", "get"] },
  attach: { kind: () => "PodAttachOptions", verbs: ["create", "get"] },
  portforward: { kind: () => "PodPortForwardOptions", verbs: ["create", "get"] },
  approval: { kind: (d) => d.kind, verbs: ["get", "patch", "update"] },
};

/** One served group version and its types. */
interface GroupVersion {
  group: string;
  version: string;
  defs: ResourceDef[];
}

/** version.CompareKubeAwareVersionStrings: GA before beta before alpha, higher numbers first, other strings last (by name). */
export function compareKubeAwareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    return m ? { major: Number(m[1]), level: m[2] === "alpha" ? 0 : m[2] === "beta" ? 1 : 2, minor: Number(m[3] ?? 0) } : undefined;
  };
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return x ? 1 : y ? -1 : a < b ? 1 : a > b ? -1 : 0;
  if (x.level !== y.level) return x.level - y.level;
  if (x.major !== y.major) return x.major - y.major;
  return x.minor - y.minor;
}

/**
 * The groups served, each with its versions in preference order (kube-aware for a custom
 * group, as the CRD discovery controller sorts them): core first, then the built-in groups in
 * registration order, then custom groups (their APIServices' lower priority) by name.
 */
function servedGroups(registry: Registry): { group: string; versions: GroupVersion[] }[] {
  const groups = new Map<string, Map<string, GroupVersion>>();
  for (const d of registry.all()) {
    let versions = groups.get(d.group);
    if (!versions) groups.set(d.group, (versions = new Map()));
    let gv = versions.get(d.version);
    if (!gv) versions.set(d.version, (gv = { group: d.group, version: d.version, defs: [] }));
    gv.defs.push(d);
  }
  const out = [...groups.entries()].map(([group, versions]) => {
    const list = [...versions.values()];
    for (const gv of list) gv.defs.sort((a, b) => (a.resource < b.resource ? -1 : 1));
    if (list.some((gv) => gv.defs.some((d) => d.custom))) list.sort((a, b) => compareKubeAwareVersions(b.version, a.version));
    return { group, versions: list, custom: list.every((gv) => gv.defs.every((d) => d.custom)) };
  });
  const builtIn = out.filter((g) => !g.custom);
  const custom = out.filter((g) => g.custom).sort((a, b) => (a.group < b.group ? -1 : 1));
  return [...builtIn, ...custom];
}

/** The group versions served, core first, each group's in preference order. */
function groupVersions(registry: Registry): GroupVersion[] {
  return servedGroups(registry).flatMap((g) => g.versions);
}

/** A CRD's types list the verbs its discovery controller names, in its order; fewer while the CRD is terminating. */
function verbsOf(registry: Registry, d: ResourceDef): string[] {
  if (!d.crd) return d.verbs;
  return crdTerminating(registry, d) ? ["delete", "deletecollection", "get", "list", "watch"] : ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];
}

/** Subresources as discovery lists them: sorted for built-in types, status then scale for a CRD's. */
function subresourcesOf(d: ResourceDef): Subresource[] {
  return d.crd ? (["status", "scale"] as const).filter((s) => d.subresources.includes(s)) : [...d.subresources].sort();
}

/** `/api`. */
export function apiVersions(serverAddress: string): unknown {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

/** `/apis` (legacy APIGroupList). */
export function apiGroupList(registry: Registry): unknown {
  const groups = servedGroups(registry)
    .filter((g) => g.group !== "")
    .map((g) => {
      const versions = g.versions.map((gv) => ({ groupVersion: `${gv.group}/${gv.version}`, version: gv.version }));
      return { name: g.group, versions, preferredVersion: versions[0] };
    });
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

/** `/api/v1` or `/apis/GROUP/VERSION`; `undefined` when not served. */
export function apiResourceList(registry: Registry, group: string, version: string): unknown {
  const gv = groupVersions(registry).find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const d of gv.defs) {
    const main: Record<string, unknown> = { name: d.resource, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: verbsOf(registry, d) };
    if (d.shortNames.length) main.shortNames = d.shortNames;
    if (d.categories.length) main.categories = d.categories;
    resources.push(main);
    for (const s of subresourcesOf(d)) {
      const facts = SUBRESOURCES[s];
      const sub: Record<string, unknown> = { name: `${d.resource}/${s}`, singularName: "", namespaced: d.namespaced };
      if (facts.group !== undefined) Object.assign(sub, { group: facts.group, version: facts.version });
      Object.assign(sub, { kind: facts.kind(d), verbs: facts.verbs });
      resources.push(sub);
    }
  }
  const groupVersion = group ? `${group}/${version}` : version;
  return group ? { kind: "APIResourceList", apiVersion: "v1", groupVersion, resources } : { kind: "APIResourceList", groupVersion, resources };
}

/** Aggregated discovery of `/api` (`core: true`) or `/apis`. */
export function aggregated(registry: Registry, core: boolean): unknown {
  const items = servedGroups(registry)
    .filter((g) => (g.group === "") === core)
    .map((g) => ({
      metadata: core ? { creationTimestamp: null } : { name: g.group, creationTimestamp: null },
      versions: g.versions.map((gv) => ({
        version: gv.version,
        resources: gv.defs.map((d) => {
          // A CRD's response kinds name its group and version; built-in ones leave them empty.
          const own = d.crd ? { group: d.group, version: d.version } : { group: "", version: "" };
          const r: Record<string, unknown> = {
            resource: d.resource,
            responseKind: { ...own, kind: d.kind },
            scope: d.namespaced ? "Namespaced" : "Cluster",
            singularResource: d.singular,
            verbs: verbsOf(registry, d),
          };
          if (d.shortNames.length) r.shortNames = d.shortNames;
          if (d.categories.length) r.categories = d.categories;
          if (d.subresources.length) {
            r.subresources = subresourcesOf(d).map((s) => {
              const f = SUBRESOURCES[s];
              return { subresource: s, responseKind: { group: f.group ?? own.group, version: f.version ?? own.version, kind: f.kind(d) }, verbs: f.verbs };
            });
          }
          return r;
        }),
        freshness: "Current",
      })),
    }));
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items };
}
