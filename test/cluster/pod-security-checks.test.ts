/**
 * The Pod Security Standards' checks as the emulated cluster's PodSecurity plugin runs them,
 * with the reasons and details of pod-security-admission's policy/check_*.go (1.32) and their
 * versions (a check applies from its minimum version; `latest` and newer versions are v1.32).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { forbiddenDetail } from "../../runtime/testing/cluster/pod-security/check-result.js";
import { evaluatePod } from "../../runtime/testing/cluster/pod-security/evaluator.js";
import { LATEST, levelVersionText, policyToEvaluate, sameLevelVersion, type Level, type Version } from "../../runtime/testing/cluster/pod-security/policy.js";

type Obj = Record<string, any>;

/** A pod meeting restricted, with `change` applied to its spec. */
function spec(change: (s: Obj) => void = () => {}): Obj {
  const s: Obj = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [{ name: "c", image: "busybox", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
  };
  change(s);
  return s;
}

const detail = (level: Level, s: Obj, meta: Obj = {}, version: Version = LATEST) => forbiddenDetail(evaluatePod({ level, version }, meta, s));
const v = (minor: number): Version => ({ latest: false, minor });

test("a pod meeting restricted passes every level", () => {
  for (const level of ["privileged", "baseline", "restricted"] as const) assert.equal(detail(level, spec()), "");
});

test("restricted volume types: name the volumes and their sorted types; allowed sources pass", () => {
  const s = spec((x) => (x.volumes = [{ name: "h", hostPath: { path: "/" } }, { name: "n", nfs: { server: "s", path: "/" } }, { name: "e", emptyDir: {} }, { name: "x" }]));
  assert.equal(detail("restricted", s), 'restricted volume types (volumes "h", "n", "x" use restricted volume types "hostPath", "nfs", "unknown")');
  // Baseline names the hostPath volumes alone.
  assert.equal(detail("baseline", s), 'hostPath volumes (volume "h")');
});

test("explicit bad values are named with the pod before the containers; a Restricted check replaces the Baseline one it overrides", () => {
  const s = spec((x) => {
    x.securityContext = { runAsNonRoot: false, runAsUser: 0, seccompProfile: { type: "Unconfined" } };
    x.initContainers = [{ name: "i", image: "busybox", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "SYS_TIME"] }, runAsUser: 0 } }];
  });
  assert.equal(
    detail("restricted", s),
    // capabilities_restricted and seccompProfile_restricted override their Baseline checks: no message twice.
    'unrestricted capabilities (container "i" must not include "SYS_TIME" in securityContext.capabilities.add), runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false), ' +
      'runAsUser=0 (pod and container "i" must not set runAsUser=0), seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
  );
});

test("AppArmor, SELinux, procMount, sysctls and hostProcess, as Baseline words them", () => {
  const s = spec((x) => {
    x.securityContext.appArmorProfile = { type: "Unconfined" };
    x.securityContext.seLinuxOptions = { type: "spc_t", user: "root" };
    x.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }, { name: "net.ipv4.tcp_rmem", value: "4096 87380 16777216" }];
    x.securityContext.windowsOptions = { hostProcess: true };
    x.containers[0].securityContext.procMount = "Unmasked";
  });
  const meta = { annotations: { "container.apparmor.security.beta.kubernetes.io/c": "unconfined", "seccomp.security.alpha.kubernetes.io/pod": "unconfined" } };
  assert.equal(
    detail("baseline", s, meta),
    'forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c="unconfined""), ' +
      'procMount (container "c" must not set securityContext.procMount to "Unmasked"), seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set), ' +
      "forbidden sysctls (kernel.msgmax), hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)",
  );
  // Before 1.32 net.ipv4.tcp_rmem was not a safe sysctl; before 1.19 the seccomp annotations were checked.
  assert.match(detail("baseline", s, meta, v(31)), /forbidden sysctls \(kernel\.msgmax, net\.ipv4\.tcp_rmem\)/);
  assert.match(detail("baseline", s, meta, v(18)), /seccompProfile \(forbidden annotation seccomp\.security\.alpha\.kubernetes\.io\/pod="unconfined"\)/);
  // A version past the newest check's is the newest.
  assert.equal(detail("baseline", s, meta, v(99)), detail("baseline", s, meta));
});

test("a Windows pod skips the Linux-only Restricted checks from 1.25", () => {
  const s = { os: { name: "windows" }, securityContext: { runAsNonRoot: true }, containers: [{ name: "c", image: "busybox" }] };
  assert.equal(detail("restricted", s), "");
  assert.equal(
    detail("restricted", s, {}, v(24)),
    'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
      'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  );
});

test("namespace labels: bad levels evaluate as restricted for enforce and privileged for warn and audit", () => {
  const { policy, errors } = policyToEvaluate({ "pod-security.kubernetes.io/enforce": "x", "pod-security.kubernetes.io/warn": "y", "pod-security.kubernetes.io/audit-version": "v1.25" });
  assert.deepEqual(policy, {
    enforce: { level: "restricted", version: LATEST },
    audit: { level: "privileged", version: { latest: false, minor: 25 } },
    warn: { level: "privileged", version: LATEST },
  });
  assert.deepEqual(errors.map((e) => e.field), ["metadata.labels[pod-security.kubernetes.io/enforce]", "metadata.labels[pod-security.kubernetes.io/warn]"]);
  assert.equal(policyToEvaluate({ "pod-security.kubernetes.io/enforce-version": "v1.01" }).errors[0]?.detail, 'must be "latest" or "v1.x"');
});

test("host namespaces are named in the check's order (hostNetwork, hostPID, hostIPC), not sorted", () => {
  const s = spec((x) => Object.assign(x, { hostNetwork: true, hostPID: true, hostIPC: true }));
  assert.equal(detail("baseline", s), "host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)");
  assert.equal(detail("baseline", spec((x) => Object.assign(x, { hostPID: true, hostIPC: true }))), "host namespaces (hostPID=true, hostIPC=true)");
});

test("annotation values are quoted as Go's %q quotes them (strconv.Quote), not as JSON does", () => {
  const meta = { annotations: { "container.apparmor.security.beta.kubernetes.io/c": "un\u00a0confined\u0001\u007f" } };
  assert.equal(
    detail("baseline", spec(), meta),
    'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/c="un\\u00a0confined\\x01\\x7f"")',
  );
  const seccomp = { annotations: { "seccomp.security.alpha.kubernetes.io/pod": "\u0007bad" } };
  assert.equal(detail("baseline", spec(), seccomp, v(18)), 'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="\\abad")');
});

test("a -version label is any v1.N Go's int holds (evaluated as the newest, named with its own digits); past int64 it is invalid", () => {
  const big = policyToEvaluate({ "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.9223372036854775807" });
  assert.deepEqual(big.errors, []);
  assert.equal(levelVersionText(big.policy.enforce), "baseline:v1.9223372036854775807");
  assert.equal(detail("baseline", spec((x) => (x.hostPID = true)), {}, big.policy.enforce.version), "host namespaces (hostPID=true)");
  // Two versions a JavaScript number cannot tell apart are still two versions.
  const other = policyToEvaluate({ "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.9223372036854775806" });
  assert.equal(sameLevelVersion(big.policy.enforce, other.policy.enforce), false);
  assert.equal(policyToEvaluate({ "pod-security.kubernetes.io/enforce-version": "v1.9223372036854775808" }).errors[0]?.detail, 'must be "latest" or "v1.x"');
});
