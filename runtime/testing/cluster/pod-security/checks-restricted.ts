/**
 * @module cluster/pod-security/checks-restricted
 * The Restricted level's checks of the Pod Security Standards, each as
 * k8s.io/pod-security-admission's policy/check_*.go (1.32) words its reason and detail:
 * allowPrivilegeEscalation (1.8; 1.25 skips Windows pods), capabilities_restricted (1.22; 1.25
 * skips Windows pods), restrictedVolumes, runAsNonRoot, runAsUser (1.23) and
 * seccompProfile_restricted (1.19; 1.25 skips Windows pods).
 */
import { ALLOWED, child, containers, containersText, forbidden, isWindows, joinQuote, nameOf, pluralize, sc, sortedSet, type CheckPod } from "./check-result.js";
import { capabilityList, seccompSetters, setters, volumes } from "./checks-baseline.js";

/** The 1.25 version of a Linux-only check: a pod whose `spec.os.name` is windows passes. */
function notOnWindows(check: CheckPod): CheckPod {
  return (meta, spec) => (isWindows(spec) ? ALLOWED : check(meta, spec));
}

export const allowPrivilegeEscalation1_8: CheckPod = (_meta, spec) => {
  const bad = containers(spec).filter((c) => sc(c)?.allowPrivilegeEscalation !== false).map(nameOf);
  return bad.length ? forbidden("allowPrivilegeEscalation != false", `${containersText(bad)} must set securityContext.allowPrivilegeEscalation=false`) : ALLOWED;
};
export const allowPrivilegeEscalation1_25 = notOnWindows(allowPrivilegeEscalation1_8);

export const capabilitiesRestricted1_22: CheckPod = (_meta, spec) => {
  const missingDropAll: string[] = [];
  const adding: string[] = [];
  const extra: string[] = [];
  for (const c of containers(spec)) {
    if (!child(sc(c), "capabilities")) {
      missingDropAll.push(nameOf(c));
      continue;
    }
    if (!capabilityList(c, "drop").includes("ALL")) missingDropAll.push(nameOf(c));
    const added = capabilityList(c, "add").filter((cap) => cap !== "NET_BIND_SERVICE");
    if (added.length) {
      adding.push(nameOf(c));
      extra.push(...added);
    }
  }
  const details: string[] = [];
  if (missingDropAll.length) details.push(`${containersText(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length) details.push(`${containersText(adding)} must not include ${joinQuote(sortedSet(extra))} in securityContext.capabilities.add`);
  return details.length ? forbidden("unrestricted capabilities", details.join("; ")) : ALLOWED;
};
export const capabilitiesRestricted1_25 = notOnWindows(capabilitiesRestricted1_22);

/** The volume sources Restricted allows. */
const ALLOWED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
/** The others, in the order restrictedVolumes_1_0 names the first one a volume has. */
const RESTRICTED_VOLUMES = [
  "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume", "cinder", "cephfs",
  "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos",
];

export const restrictedVolumes: CheckPod = (_meta, spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  const has = (v: Record<string, unknown>, source: string) => v[source] !== undefined && v[source] !== null;
  for (const v of volumes(spec)) {
    if (ALLOWED_VOLUMES.some((s) => has(v, s))) continue;
    bad.push(nameOf(v));
    types.push(RESTRICTED_VOLUMES.find((s) => has(v, s)) ?? "unknown");
  }
  if (!bad.length) return ALLOWED;
  const unique = sortedSet(types);
  return forbidden(
    "restricted volume types",
    `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("restricted volume type", "restricted volume types", unique.length)} ${joinQuote(unique)}`,
  );
};

export const runAsNonRoot: CheckPod = (_meta, spec) => {
  const podValue = sc(spec)?.runAsNonRoot;
  const podBad = podValue === false;
  const podNonRoot = podValue === true;
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers(spec)) {
    const own = sc(c)?.runAsNonRoot;
    if (own !== undefined && own !== null) {
      if (own === false) explicit.push(nameOf(c));
    } else if (!podNonRoot) implicit.push(nameOf(c));
  }
  const badSetters = setters(podBad, explicit);
  if (badSetters.length) return forbidden("runAsNonRoot != true", `${badSetters.join(" and ")} must not set securityContext.runAsNonRoot=false`);
  if (implicit.length) return forbidden("runAsNonRoot != true", `pod or ${containersText(implicit)} must set securityContext.runAsNonRoot=true`);
  return ALLOWED;
};

export const runAsUser1_23: CheckPod = (_meta, spec) => {
  const explicit = containers(spec).filter((c) => sc(c)?.runAsUser === 0).map(nameOf);
  const badSetters = setters(sc(spec)?.runAsUser === 0, explicit);
  return badSetters.length ? forbidden("runAsUser=0", `${badSetters.join(" and ")} must not set runAsUser=0`) : ALLOWED;
};

export const seccompProfileRestricted1_19: CheckPod = (_meta, spec) => {
  const s = seccompSetters(spec);
  const badSetters = setters(s.podBad, s.explicit);
  if (badSetters.length) return forbidden("seccompProfile", `${badSetters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(s.values)}`);
  if (s.implicit.length) return forbidden("seccompProfile", `pod or ${containersText(s.implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  return ALLOWED;
};
export const seccompProfileRestricted1_25 = notOnWindows(seccompProfileRestricted1_19);
