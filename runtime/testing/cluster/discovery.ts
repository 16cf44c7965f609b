/**
 * @module cluster/discovery
 * The discovery documents for the types the server serves: `/version`, `/api`, `/apis`,
 * `/api/v1`, `/apis/GROUP/VERSION` (legacy), and the aggregated `APIGroupDiscoveryList` that
 * kubectl 1.32 asks for first (`Accept: ...;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`;
 * negotiated in `aggregated-discovery`).
 * Shapes follow the real server's; `storageVersionHash` is omitted. Custom types appear as
 * soon as they are registered.
 */
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
};

/** The group versions served, core first, in registration order. */
function groupVersions(registry: Registry): { group: string; version: string; defs: ResourceDef[] }[] {
  const out = new Map<string, { group: string; version: string; defs: ResourceDef[] }>();
  for (const d of registry.all()) {
    const key = `${d.group}/${d.version}`;
    if (!out.has(key)) out.set(key, { group: d.group, version: d.version, defs: [] });
    out.get(key)!.defs.push(d);
  }
  for (const gv of out.values()) gv.defs.sort((a, b) => (a.resource < b.resource ? -1 : 1));
  return [...out.values()];
}

/** `/api`. */
export function apiVersions(serverAddress: string): unknown {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

/** `/apis` (legacy APIGroupList). */
export function apiGroupList(registry: Registry): unknown {
  const groups = groupVersions(registry)
    .filter((gv) => gv.group !== "")
    .map((gv) => {
      const version = { groupVersion: `${gv.group}/${gv.version}`, version: gv.version };
      return { name: gv.group, versions: [version], preferredVersion: version };
    });
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

/** `/api/v1` or `/apis/GROUP/VERSION`; `undefined` when not served. */
export function apiResourceList(registry: Registry, group: string, version: string): unknown {
  const gv = groupVersions(registry).find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const d of gv.defs) {
    const main: Record<string, unknown> = { name: d.resource, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: d.verbs };
    if (d.shortNames.length) main.shortNames = d.shortNames;
    if (d.categories.length) main.categories = d.categories;
    resources.push(main);
    for (const s of [...d.subresources].sort()) {
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
  const items = groupVersions(registry)
    .filter((gv) => (gv.group === "") === core)
    .map((gv) => ({
      metadata: core ? { creationTimestamp: null } : { name: gv.group, creationTimestamp: null },
      versions: [
        {
          version: gv.version,
          resources: gv.defs.map((d) => {
            const r: Record<string, unknown> = {
              resource: d.resource,
              responseKind: { group: "", version: "", kind: d.kind },
              scope: d.namespaced ? "Namespaced" : "Cluster",
              singularResource: d.singular,
              verbs: d.verbs,
            };
            if (d.shortNames.length) r.shortNames = d.shortNames;
            if (d.categories.length) r.categories = d.categories;
            if (d.subresources.length) {
              r.subresources = [...d.subresources].sort().map((s) => {
                const f = SUBRESOURCES[s];
                return { subresource: s, responseKind: { group: f.group ?? "", version: f.version ?? "", kind: f.kind(d) }, verbs: f.verbs };
              });
            }
            return r;
          }),
          freshness: "Current",
        },
      ],
    }));
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items };
}
