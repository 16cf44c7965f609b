/**
 * @module builtin-resources
 * The resources (and subresources) each built-in API group of Kubernetes 1.32 serves with its
 * default APIs on, as its discovery documents list them, and the check of a permission rule
 * against them: a resource of a built-in group that is a known one misspelt (`pod`, `pods/logs`)
 * or one of another group (`deployments` in the core group) is a mistake the generated RBAC
 * would carry silently (the function then fails with 403). A resource the table does not know
 * and that resembles none is let through: a cluster may serve more (alpha and beta APIs).
 */
import { editDistance } from "./edit-distance.js";

/** Group → resources, space-separated (discovery of a 1.32 server: /api/v1 and /apis, aggregated). */
const SERVED: Record<string, string> = {
  "": "bindings componentstatuses configmaps endpoints events limitranges namespaces namespaces/finalize namespaces/status nodes nodes/proxy nodes/status persistentvolumeclaims persistentvolumeclaims/status persistentvolumes persistentvolumes/status pods pods/attach pods/binding pods/ephemeralcontainers pods/eviction pods/exec pods/log pods/portforward pods/proxy pods/status podtemplates replicationcontrollers replicationcontrollers/scale replicationcontrollers/status resourcequotas resourcequotas/status secrets serviceaccounts serviceaccounts/token services services/proxy services/status",
  "admissionregistration.k8s.io": "mutatingwebhookconfigurations validatingadmissionpolicies validatingadmissionpolicies/status validatingadmissionpolicybindings validatingwebhookconfigurations",
  "apiextensions.k8s.io": "customresourcedefinitions customresourcedefinitions/status",
  "apiregistration.k8s.io": "apiservices apiservices/status",
  "apps": "controllerrevisions daemonsets daemonsets/status deployments deployments/scale deployments/status replicasets replicasets/scale replicasets/status statefulsets statefulsets/scale statefulsets/status",
  "authentication.k8s.io": "selfsubjectreviews tokenreviews",
  "authorization.k8s.io": "localsubjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews subjectaccessreviews",
  "autoscaling": "horizontalpodautoscalers horizontalpodautoscalers/status",
  "batch": "cronjobs cronjobs/status jobs jobs/status",
  "certificates.k8s.io": "certificatesigningrequests certificatesigningrequests/approval certificatesigningrequests/status",
  "coordination.k8s.io": "leases",
  "discovery.k8s.io": "endpointslices",
  "events.k8s.io": "events",
  "flowcontrol.apiserver.k8s.io": "flowschemas flowschemas/status prioritylevelconfigurations prioritylevelconfigurations/status",
  "networking.k8s.io": "ingressclasses ingresses ingresses/status networkpolicies",
  "node.k8s.io": "runtimeclasses",
  "policy": "poddisruptionbudgets poddisruptionbudgets/status",
  "rbac.authorization.k8s.io": "clusterrolebindings clusterroles rolebindings roles",
  "scheduling.k8s.io": "priorityclasses",
  "storage.k8s.io": "csidrivers csinodes csistoragecapacities storageclasses volumeattachments volumeattachments/status",
};

/**
 * Resources RBAC names that discovery does not list: the kubelet's API, authorized as node
 * subresources (`nodes/stats` for metrics-server, `nodes/log`...), and certificate signers.
 */
const RBAC_ONLY: Record<string, string> = {
  "": "nodes/checkpoint nodes/configz nodes/healthz nodes/log nodes/metrics nodes/pods nodes/spec nodes/stats",
  // The CertificateApproval and CertificateSigning plugins authorize `approve` and `sign` on a signer.
  "certificates.k8s.io": "signers",
};

let byGroup: Map<string, Set<string>> | undefined;

function served(): Map<string, Set<string>> {
  return (byGroup ??= new Map(Object.entries(SERVED).map(([group, list]) => [group, new Set([...list.split(" "), ...(RBAC_ONLY[group]?.split(" ") ?? [])])])));
}

/** `"pods"` in the core group reads `core "pods"`; another group's `"apps"`. */
function groupName(group: string): string {
  return group === "" ? 'the core group ("")' : `"${group}"`;
}

/** The known resource `resource` most likely meant in `known`, if one is close (a plural, a typo). */
function closest(resource: string, known: Set<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(resource, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 5)) ? best : undefined;
}

/**
 * Why `resource` is not one `group` serves, when it is surely a mistake; `undefined` when it is
 * served, the group is not a built-in one (or `*`), or nothing suggests what was meant.
 */
export function unknownBuiltInResource(group: string, resource: string): string | undefined {
  const known = served().get(group);
  if (!known || resource === "*" || resource.startsWith("*/") || known.has(resource)) return undefined;
  const elsewhere = [...served()].filter(([g, resources]) => g !== group && resources.has(resource)).map(([g]) => g);
  if (elsewhere.length) return `"${resource}" is not served by ${groupName(group)}: it is in ${elsewhere.map(groupName).join(", ")}; list that group in apiGroups`;
  const meant = closest(resource, known);
  return meant ? `${groupName(group)} serves no "${resource}": did you mean "${meant}"?` : undefined;
}

/**
 * The problems of a definition's `permissions` as written: each resource of a built-in group
 * that group does not serve (see `unknownBuiltInResource`), and `approve` or `sign` in a rule
 * naming no signer, as `[path, message]` with the path `permissions[0].resources[1]`. A rule
 * with several groups is judged only when no group serves the resource.
 */
export function permissionProblems(permissions: unknown): Array<[string, string]> {
  if (!Array.isArray(permissions)) return [];
  const out: Array<[string, string]> = [];
  permissions.forEach((rule, i) => {
    const misspelt = resourceProblems(rule, i);
    // A misspelt resource first: what the verbs are checked against is not yet what was meant.
    out.push(...(misspelt.length ? misspelt : signerVerbProblems(rule, i)));
  });
  return out;
}

/** The resources of one rule that its built-in groups do not serve (`unknownBuiltInResource`). */
function resourceProblems(rule: unknown, i: number): Array<[string, string]> {
  const groups = (rule as { apiGroups?: unknown } | null)?.apiGroups;
  const resources = (rule as { resources?: unknown } | null)?.resources;
  if (!Array.isArray(groups) || !Array.isArray(resources) || groups.includes("*")) return [];
  return resources.flatMap((resource, j): Array<[string, string]> => {
    if (typeof resource !== "string") return [];
    const why = groups.map((g) => (typeof g === "string" ? unknownBuiltInResource(g, resource) : undefined));
    // Some group of the rule serves it (or may): fine.
    return why.some((w) => w === undefined) ? [] : [[`permissions[${i}].resources[${j}]`, why[0]!]];
  });
}

/** The verbs the certificates API checks on a signer (`certificates.k8s.io/signers`) and nowhere else. */
const SIGNER_VERBS = new Set(["approve", "sign"]);

/**
 * `approve` or `sign` in a rule that names no signer: Kubernetes checks them on
 * `certificates.k8s.io/signers` alone, so the rule grants them on nothing.
 */
function signerVerbProblems(rule: unknown, i: number): Array<[string, string]> {
  const { apiGroups, resources, verbs } = (rule ?? {}) as { apiGroups?: unknown; resources?: unknown; verbs?: unknown };
  if (!Array.isArray(apiGroups) || !Array.isArray(resources) || !Array.isArray(verbs)) return [];
  const namesSigners = (apiGroups.includes("certificates.k8s.io") || apiGroups.includes("*")) && (resources.includes("signers") || resources.includes("*"));
  if (namesSigners) return [];
  return verbs.flatMap((verb, j): Array<[string, string]> =>
    SIGNER_VERBS.has(verb) ? [[`permissions[${i}].verbs[${j}]`, `"${verb}" is authorized only on signers: write it in a rule with apiGroups ["certificates.k8s.io"], resources ["signers"] and resourceNames naming the signer ("example.com/serving", or "example.com/*")`]] : [],
  );
}
