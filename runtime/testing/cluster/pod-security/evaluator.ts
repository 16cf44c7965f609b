/**
 * @module cluster/pod-security/evaluator
 * The checks a level and version run, in the order their messages are joined
 * (pod-security-admission policy/registry.go, 1.32): each check's versions apply from their
 * minimum version up to the next one's; Baseline runs the Baseline checks, Restricted the
 * Restricted ones and the Baseline ones they do not override (capabilities_restricted
 * overrides capabilities_baseline, restrictedVolumes hostPathVolumes, seccompProfile_restricted
 * seccompProfile_baseline); the order is the Baseline checks' IDs sorted, then the Restricted
 * ones'. A version newer than the newest a check has (1.32) evaluates as that one; `latest` too.
 */
import * as b from "./checks-baseline.js";
import * as r from "./checks-restricted.js";
import { aggregate, type Aggregate, type CheckPod, type Obj } from "./check-result.js";
import { older, type LevelVersion, type Version } from "./policy.js";

interface VersionedCheck {
  /** The minor version of v1 from which this revision applies. */
  minimum: number;
  check: CheckPod;
  overrides?: readonly string[];
}

interface Check {
  id: string;
  level: "baseline" | "restricted";
  versions: readonly VersionedCheck[];
}

const CHECKS: readonly Check[] = [
  { id: "allowPrivilegeEscalation", level: "restricted", versions: [{ minimum: 8, check: r.allowPrivilegeEscalation1_8 }, { minimum: 25, check: r.allowPrivilegeEscalation1_25 }] },
  { id: "appArmorProfile", level: "baseline", versions: [{ minimum: 0, check: b.appArmorProfile }] },
  { id: "capabilities_baseline", level: "baseline", versions: [{ minimum: 0, check: b.capabilitiesBaseline }] },
  {
    id: "capabilities_restricted", level: "restricted",
    versions: [{ minimum: 22, check: r.capabilitiesRestricted1_22, overrides: ["capabilities_baseline"] }, { minimum: 25, check: r.capabilitiesRestricted1_25, overrides: ["capabilities_baseline"] }],
  },
  { id: "hostNamespaces", level: "baseline", versions: [{ minimum: 0, check: b.hostNamespaces }] },
  { id: "hostPathVolumes", level: "baseline", versions: [{ minimum: 0, check: b.hostPathVolumes }] },
  { id: "hostPorts", level: "baseline", versions: [{ minimum: 0, check: b.hostPorts }] },
  { id: "privileged", level: "baseline", versions: [{ minimum: 0, check: b.privileged }] },
  { id: "procMount", level: "baseline", versions: [{ minimum: 0, check: b.procMount }] },
  { id: "restrictedVolumes", level: "restricted", versions: [{ minimum: 0, check: r.restrictedVolumes, overrides: ["hostPathVolumes"] }] },
  { id: "runAsNonRoot", level: "restricted", versions: [{ minimum: 0, check: r.runAsNonRoot }] },
  { id: "runAsUser", level: "restricted", versions: [{ minimum: 23, check: r.runAsUser1_23 }] },
  { id: "seLinuxOptions", level: "baseline", versions: [{ minimum: 0, check: b.seLinuxOptions1_0 }, { minimum: 31, check: b.seLinuxOptions1_31 }] },
  { id: "seccompProfile_baseline", level: "baseline", versions: [{ minimum: 0, check: b.seccompProfileBaseline1_0 }, { minimum: 19, check: b.seccompProfileBaseline1_19 }] },
  {
    id: "seccompProfile_restricted", level: "restricted",
    versions: [{ minimum: 19, check: r.seccompProfileRestricted1_19, overrides: ["seccompProfile_baseline"] }, { minimum: 25, check: r.seccompProfileRestricted1_25, overrides: ["seccompProfile_baseline"] }],
  },
  { id: "sysctls", level: "baseline", versions: [{ minimum: 0, check: b.sysctls1_0 }, { minimum: 27, check: b.sysctls1_27 }, { minimum: 29, check: b.sysctls1_29 }, { minimum: 32, check: b.sysctls1_32 }] },
  { id: "windowsHostProcess", level: "baseline", versions: [{ minimum: 0, check: b.windowsHostProcess }] },
];

/** The newest minimum version of any check (the registry's maxVersion): v1.32. */
const MAX_MINOR = Math.max(...CHECKS.flatMap((c) => c.versions.map((v) => v.minimum)));

const byteOrder = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
const ORDER = [...CHECKS.filter((c) => c.level === "baseline").map((c) => c.id).sort(byteOrder), ...CHECKS.filter((c) => c.level === "restricted").map((c) => c.id).sort(byteOrder)];

/** The revision of `check` for minor version `minor`, if it applies there yet. */
function revision(check: Check, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const v of check.versions) if (v.minimum <= minor) found = v;
  return found;
}

const cache = new Map<string, CheckPod[]>();

/** The checks of `level` at minor version `minor`, in message order. */
function checksOf(level: "baseline" | "restricted", minor: number): CheckPod[] {
  const key = `${level}:${minor}`;
  let list = cache.get(key);
  if (list) return list;
  const at = new Map<string, VersionedCheck>();
  for (const c of CHECKS) {
    const v = revision(c, minor);
    if (v && (c.level === "baseline" || level === "restricted")) at.set(c.id, v);
  }
  if (level === "restricted") {
    for (const c of CHECKS) if (c.level === "restricted") for (const o of at.get(c.id)?.overrides ?? []) at.delete(o);
  }
  list = ORDER.filter((id) => at.has(id)).map((id) => at.get(id)!.check);
  cache.set(key, list);
  return list;
}

/** The minor version a policy version evaluates as. */
function effectiveMinor(v: Version): number {
  return older({ latest: false, minor: MAX_MINOR }, v) ? MAX_MINOR : v.minor;
}

/** Evaluator.EvaluatePod aggregated: privileged allows everything. */
export function evaluatePod(lv: LevelVersion, meta: Obj, spec: Obj): Aggregate {
  if (lv.level === "privileged") return aggregate([]);
  return aggregate(checksOf(lv.level, effectiveMinor(lv.version)).map((check) => check(meta, spec)));
}
