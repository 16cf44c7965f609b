/**
 * @module cluster/pod-security/admission
 * The PodSecurity admission plugin (on by default in 1.32; pod-security-admission's
 * admission/admission.go behind plugin/pkg/admission/security/podsecurity), run where the
 * validating plugins run: after the registry's validation, before the validating webhooks
 * and the store, for a dry run too. With its default configuration (every mode
 * `privileged:latest`, nothing exempt) a namespace's `pod-security.kubernetes.io/*` labels
 * choose the levels:
 * - a Namespace create with a bad label value, or an update changing to one, is the 422 of
 *   `metadata.labels[...]`; an update making `enforce` stricter warns of the existing pods
 *   that violate it (namespace-pods);
 * - a Pod create, or an update changing its containers' images (isSignificantPodUpdate), that
 *   the enforce level forbids is refused: `pods "x" is forbidden: violates PodSecurity
 *   "restricted:latest": ...` (403); else a warn level it violates is a warning `would violate
 *   PodSecurity ...`; the status, binding, eviction, exec, attach, log, portforward and proxy
 *   subresources are not checked;
 * - a workload with a pod template (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
 *   CronJob, ReplicationController, PodTemplate) is never refused, only warned of, on its main
 *   resource.
 * Audit annotations are not recorded (the emulated cluster keeps no audit log).
 */
import type { Call } from "../call.js";
import { forbidden, type ApiError, invalid } from "../status.js";
import { addWarning } from "../warnings.js";
import { child, forbiddenDetail, type Obj } from "./check-result.js";
import { evaluatePod } from "./evaluator.js";
import { evaluatePodsInNamespace } from "./namespace-pods.js";
import { compareLevels, levelVersionText, policyToEvaluate, sameLevelVersion, versionText, type Policy } from "./policy.js";

/** The pod subresources PodSecurity lets through unchecked (ignoredPodSubresources). */
const IGNORED_POD_SUBRESOURCES = new Set(["exec", "attach", "binding", "eviction", "log", "portforward", "proxy", "status"]);

/** DefaultPodSpecExtractor: where each workload type keeps its pod template. */
const TEMPLATES: Record<string, (o: Obj) => Obj | undefined> = {
  "/replicationcontrollers": (o) => child(child(o, "spec"), "template"),
  "/podtemplates": (o) => child(o, "template"),
  "apps/replicasets": (o) => child(child(o, "spec"), "template"),
  "apps/deployments": (o) => child(child(o, "spec"), "template"),
  "apps/statefulsets": (o) => child(child(o, "spec"), "template"),
  "apps/daemonsets": (o) => child(child(o, "spec"), "template"),
  "batch/jobs": (o) => child(child(o, "spec"), "template"),
  "batch/cronjobs": (o) => child(child(child(child(o, "spec"), "jobTemplate"), "spec"), "template"),
};

/**
 * PodSecurity's Validate of a create (no `old`) or update of `obj`, a write of `call`'s
 * resource (and subresource), as the registry would store it.
 */
export function admitPodSecurity(call: Call, obj: Obj, old?: Obj): void {
  const { def } = call;
  if (def.custom) return;
  const subresource = call.info.subresource ?? "";
  const key = `${def.group}/${def.resource}`;
  if (key === "/namespaces") {
    if (!subresource) validateNamespace(call, obj, old);
  } else if (key === "/pods") {
    if (!IGNORED_POD_SUBRESOURCES.has(subresource)) validatePod(call, obj, old);
  } else if (TEMPLATES[key] && !subresource) {
    const template = TEMPLATES[key](obj);
    // A controller whose pod template is optional and absent (a ReplicationController's) is not checked.
    if (template) evaluate(call, namespacePolicy(call, obj), template.metadata ?? {}, template.spec ?? {}, false);
  }
}

/** The policy of the object's namespace (its labels over the defaults). */
function namespacePolicy(call: Call, obj: Obj): { policy: Policy; valid: boolean } {
  const namespace = String(obj.metadata?.namespace ?? "");
  const ns = call.registry.store.get(call.registry.core("namespaces"), undefined, namespace);
  const { policy, errors } = policyToEvaluate(ns?.obj.metadata?.labels);
  return { policy, valid: errors.length === 0 };
}

function validatePod(call: Call, pod: Obj, old?: Obj): void {
  const ns = namespacePolicy(call, pod);
  const { enforce, audit, warn } = ns.policy;
  if (ns.valid && enforce.level === "privileged" && audit.level === "privileged" && warn.level === "privileged") return;
  if (old && !isSignificantPodUpdate(pod, old)) return;
  evaluate(call, ns, pod.metadata ?? {}, pod.spec ?? {}, true);
}

/** EvaluatePod: the enforce level refuses (pods only), else the warn level warns. */
function evaluate(call: Call, ns: { policy: Policy; valid: boolean }, meta: Obj, spec: Obj, enforce: boolean): void {
  const { policy } = ns;
  // ValidatePodController's short-circuit: nothing to warn or audit.
  if (!enforce && ns.valid && policy.warn.level === "privileged" && policy.audit.level === "privileged") return;
  if (enforce) {
    const result = evaluatePod(policy.enforce, meta, spec);
    if (!result.allowed) throw forbiddenPod(call, String(meta.name ?? ""), `violates PodSecurity ${JSON.stringify(levelVersionText(policy.enforce))}: ${forbiddenDetail(result)}`);
  }
  const warned = evaluatePod(policy.warn, meta, spec);
  if (!warned.allowed) addWarning(call, `would violate PodSecurity ${JSON.stringify(levelVersionText(policy.warn))}: ${forbiddenDetail(warned)}`);
}

/** apierrors.NewForbidden(pods, name, err), as the plugin answers it. */
function forbiddenPod(call: Call, name: string, message: string): ApiError {
  return forbidden(call.def, name, message);
}

function validateNamespace(call: Call, ns: Obj, old?: Obj): void {
  const name = String(ns.metadata?.name ?? "");
  const next = policyToEvaluate(ns.metadata?.labels);
  if (!old) {
    if (next.errors.length) throw invalid("", "Namespace", name, next.errors);
    return;
  }
  const before = policyToEvaluate(old.metadata?.labels);
  // Labels left as invalid as they were are let through; a change to an invalid one is not.
  if (next.errors.length && (before.errors.length === 0 || JSON.stringify(next.errors) !== JSON.stringify(before.errors))) throw invalid("", "Namespace", name, next.errors);
  const [now, was] = [next.policy.enforce, before.policy.enforce];
  if (sameLevelVersion(now, was) || now.level === "privileged") return;
  const sameVersion = versionText(now.version) === versionText(was.version);
  if (sameVersion && compareLevels(now.level, was.level) < 1) return;
  for (const w of evaluatePodsInNamespace(call.registry, name, now)) addWarning(call, w);
}

const SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/";

/** isSignificantPodUpdate: containers added or removed, an image or a container's seccomp annotation changed, an ephemeral container added or changed. */
function isSignificantPodUpdate(pod: Obj, old: Obj): boolean {
  const list = (o: Obj, key: string): Obj[] => (Array.isArray(o.spec?.[key]) ? o.spec[key] : []);
  const annotations = (o: Obj): Obj => child(o.metadata, "annotations") ?? {};
  const significant = (c: Obj, oc: Obj) => {
    if ((c?.image ?? "") !== (oc?.image ?? "")) return true;
    const key = SECCOMP_CONTAINER_ANNOTATION + String(c?.name ?? "");
    return (annotations(pod)[key] ?? "") !== (annotations(old)[key] ?? "");
  };
  for (const key of ["containers", "initContainers"]) {
    const [now, was] = [list(pod, key), list(old, key)];
    if (now.length !== was.length) return true;
    if (now.some((c, i) => significant(c, was[i]!))) return true;
  }
  const before = list(old, "ephemeralContainers");
  return list(pod, "ephemeralContainers").some((c) => {
    const oc = before.find((o) => o?.name === c?.name);
    return oc === undefined || significant(c, oc);
  });
}
