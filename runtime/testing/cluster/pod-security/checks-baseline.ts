/**
 * @module cluster/pod-security/checks-baseline
 * The Baseline level's checks of the Pod Security Standards, each as
 * k8s.io/pod-security-admission's policy/check_*.go (1.32) words its reason and detail:
 * appArmorProfile, capabilities_baseline, hostNamespaces, hostPathVolumes, hostPorts,
 * privileged, procMount, seLinuxOptions (1.0, 1.31), seccompProfile_baseline (1.0, 1.19),
 * sysctls (1.0, 1.27, 1.29, 1.32) and windowsHostProcess.
 */
import { ALLOWED, child, containers, containersText, forbidden, goQuote, joinQuote, nameOf, pluralize, sc, sortedSet, type CheckPod, type CheckResult, type Obj } from "./check-result.js";

/** `pod`, then `container(s) "a"` when some container set it: the setters joined with ` and `. */
export function setters(pod: boolean, names: readonly string[]): string[] {
  const out = pod ? ["pod"] : [];
  if (names.length) out.push(containersText(names));
  return out;
}

const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

export const appArmorProfile: CheckPod = (meta, spec) => {
  const allowedType = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
  const badValues: string[] = [];
  const podProfile = child(sc(spec), "appArmorProfile");
  const podBad = podProfile !== undefined && !allowedType(podProfile.type);
  if (podBad) badValues.push(String(podProfile.type ?? ""));
  const bad: string[] = [];
  for (const c of containers(spec)) {
    const p = child(sc(c), "appArmorProfile");
    if (p && !allowedType(p.type)) {
      bad.push(nameOf(c));
      badValues.push(String(p.type ?? ""));
    }
  }
  const badSetters = setters(podBad, bad);
  const annotations: string[] = [];
  for (const [k, v] of Object.entries(child(meta, "annotations") ?? {})) {
    const text = String(v ?? "");
    if (k.startsWith(APPARMOR_ANNOTATION) && !(text === "" || text === "runtime/default" || text.startsWith("localhost/"))) annotations.push(`${k}=${goQuote(text)}`);
  }
  const values = sortedSet(badValues);
  if (annotations.length) {
    values.push(...sortedSet(annotations));
    badSetters.push(pluralize("annotation", "annotations", annotations.length));
  }
  if (!badSetters.length) return ALLOWED;
  return forbidden(pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", values.length), `${badSetters.join(" and ")} must not set AppArmor profile type to ${joinQuote(values)}`);
};

const DEFAULT_CAPABILITIES = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);

/** The entries of a container's `capabilities.add` (or `drop`). */
export function capabilityList(c: Obj, key: "add" | "drop"): string[] {
  const v = child(sc(c), "capabilities")?.[key];
  return Array.isArray(v) ? v.map((x) => String(x)) : [];
}

export const capabilitiesBaseline: CheckPod = (_meta, spec) => {
  const bad: string[] = [];
  const extra: string[] = [];
  for (const c of containers(spec)) {
    if (!child(sc(c), "capabilities")) continue;
    const added = capabilityList(c, "add").filter((cap) => !DEFAULT_CAPABILITIES.has(cap));
    if (added.length) {
      bad.push(nameOf(c));
      extra.push(...added);
    }
  }
  if (!bad.length) return ALLOWED;
  return forbidden("non-default capabilities", `${containersText(bad)} must not include ${joinQuote(sortedSet(extra))} in securityContext.capabilities.add`);
};

export const hostNamespaces: CheckPod = (_meta, spec) => {
  const found: string[] = [];
  if (spec.hostNetwork === true) found.push("hostNetwork=true");
  if (spec.hostPID === true) found.push("hostPID=true");
  if (spec.hostIPC === true) found.push("hostIPC=true");
  // Named as the check appends them, not sorted.
  return found.length ? forbidden("host namespaces", found.join(", ")) : ALLOWED;
};

/** The volumes of a pod spec that are objects. */
export function volumes(spec: Obj): Obj[] {
  return Array.isArray(spec.volumes) ? spec.volumes.filter((v: unknown): v is Obj => v !== null && typeof v === "object") : [];
}

export const hostPathVolumes: CheckPod = (_meta, spec) => {
  const names = volumes(spec).filter((v) => child(v, "hostPath")).map(nameOf);
  return names.length ? forbidden("hostPath volumes", `${pluralize("volume", "volumes", names.length)} ${joinQuote(names)}`) : ALLOWED;
};

export const hostPorts: CheckPod = (_meta, spec) => {
  const bad: string[] = [];
  const ports: string[] = [];
  for (const c of containers(spec)) {
    const used = (Array.isArray(c.ports) ? c.ports : []).map((p: Obj | null) => Number(p?.hostPort ?? 0)).filter((p: number) => p !== 0);
    if (used.length) {
      bad.push(nameOf(c));
      ports.push(...used.map(String));
    }
  }
  if (!bad.length) return ALLOWED;
  const unique = sortedSet(ports);
  return forbidden("hostPort", `${containersText(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("hostPort", "hostPorts", unique.length)} ${unique.join(", ")}`);
};

export const privileged: CheckPod = (_meta, spec) => {
  const bad = containers(spec).filter((c) => sc(c)?.privileged === true).map(nameOf);
  return bad.length ? forbidden("privileged", `${containersText(bad)} must not set securityContext.privileged=true`) : ALLOWED;
};

export const procMount: CheckPod = (_meta, spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  for (const c of containers(spec)) {
    const mount = sc(c)?.procMount;
    if (mount === undefined || mount === null || mount === "Default") continue;
    bad.push(nameOf(c));
    types.push(String(mount));
  }
  return bad.length ? forbidden("procMount", `${containersText(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`) : ALLOWED;
};

const SELINUX_TYPES_1_0 = ["", "container_t", "container_init_t", "container_kvm_t"];
const SELINUX_TYPES_1_31 = [...SELINUX_TYPES_1_0, "container_engine_t"];

function seLinuxOptions(allowedTypes: readonly string[]): CheckPod {
  return (_meta, spec) => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (o: Obj): boolean => {
      let ok = true;
      const type = String(o.type ?? "");
      if (!allowedTypes.includes(type)) {
        ok = false;
        badTypes.push(type);
      }
      if (String(o.user ?? "")) {
        ok = false;
        setUser = true;
      }
      if (String(o.role ?? "")) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const podOptions = child(sc(spec), "seLinuxOptions");
    const podBad = podOptions !== undefined && !valid(podOptions);
    const bad = containers(spec).filter((c) => {
      const o = child(sc(c), "seLinuxOptions");
      return o !== undefined && !valid(o);
    });
    const badSetters = setters(podBad, bad.map(nameOf));
    if (!badSetters.length) return ALLOWED;
    const data: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length) data.push(`${pluralize("type", "types", types.length)} ${joinQuote(types)}`);
    if (setUser) data.push("user may not be set");
    if (setRole) data.push("role may not be set");
    return forbidden("seLinuxOptions", `${badSetters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}`);
  };
}

export const seLinuxOptions1_0 = seLinuxOptions(SELINUX_TYPES_1_0);
export const seLinuxOptions1_31 = seLinuxOptions(SELINUX_TYPES_1_31);

const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/";

/** validSeccomp: the types the Baseline and Restricted levels allow. */
export function validSeccomp(type: unknown): boolean {
  return type === "Localhost" || type === "RuntimeDefault";
}

/** The seccomp annotations of policy versions before 1.19. */
export const seccompProfileBaseline1_0: CheckPod = (meta, spec) => {
  const annotations = child(meta, "annotations") ?? {};
  const valid = (v: string) => v === "runtime/default" || v === "docker/default" || v.startsWith("localhost/");
  const bad: string[] = [];
  const check = (key: string) => {
    if (!Object.prototype.hasOwnProperty.call(annotations, key)) return;
    const v = String(annotations[key] ?? "");
    if (!valid(v)) bad.push(`${key}=${goQuote(v)}`);
  };
  check(SECCOMP_POD_ANNOTATION);
  for (const c of containers(spec)) check(SECCOMP_CONTAINER_ANNOTATION + nameOf(c));
  const unique = sortedSet(bad);
  return unique.length ? forbidden("seccompProfile", `forbidden ${pluralize("annotation", "annotations", unique.length)} ${unique.join(", ")}`) : ALLOWED;
};

/** The pod's and containers' explicit seccompProfile types that are not allowed, and the containers that set none. */
export function seccompSetters(spec: Obj): { podSet: boolean; podBad: boolean; explicit: string[]; implicit: string[]; values: string[] } {
  const values: string[] = [];
  const podProfile = child(sc(spec), "seccompProfile");
  const podBad = podProfile !== undefined && !validSeccomp(podProfile.type);
  if (podBad) values.push(String(podProfile!.type ?? ""));
  const podSet = podProfile !== undefined && !podBad;
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers(spec)) {
    const p = child(sc(c), "seccompProfile");
    if (p) {
      if (!validSeccomp(p.type)) {
        explicit.push(nameOf(c));
        values.push(String(p.type ?? ""));
      }
    } else if (!podSet) implicit.push(nameOf(c));
  }
  return { podSet, podBad, explicit, implicit, values: sortedSet(values) };
}

export const seccompProfileBaseline1_19: CheckPod = (_meta, spec) => {
  const s = seccompSetters(spec);
  const badSetters = setters(s.podBad, s.explicit);
  return badSetters.length ? forbidden("seccompProfile", `${badSetters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(s.values)}`) : ALLOWED;
};

const SYSCTLS_1_0 = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, "net.ipv4.ip_local_reserved_ports"];
const SYSCTLS_1_29 = [...SYSCTLS_1_27, "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];

function sysctls(allowed: readonly string[]): CheckPod {
  return (_meta, spec) => {
    const list = sc(spec)?.sysctls;
    const names = (Array.isArray(list) ? list : []).map((s: Obj | null) => String(s?.name ?? ""));
    const bad = names.filter((n: string) => !allowed.includes(n));
    return bad.length ? forbidden("forbidden sysctls", bad.join(", ")) : ALLOWED;
  };
}

export const sysctls1_0 = sysctls(SYSCTLS_1_0);
export const sysctls1_27 = sysctls(SYSCTLS_1_27);
export const sysctls1_29 = sysctls(SYSCTLS_1_29);
export const sysctls1_32 = sysctls(SYSCTLS_1_32);

export const windowsHostProcess: CheckPod = (_meta, spec): CheckResult => {
  const hostProcess = (o: Obj | undefined) => child(sc(o), "windowsOptions")?.hostProcess === true;
  const bad = containers(spec).filter(hostProcess).map(nameOf);
  const badSetters = setters(hostProcess(spec), bad);
  return badSetters.length ? forbidden("hostProcess", `${badSetters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true`) : ALLOWED;
};
