/**
 * @module cluster/warnings
 * API warnings (`Warning: 299 - "..."` response headers) the 1.32 server sends: the one for a
 * custom resource's finalizer that is not domain-qualified with a path, as
 * apiextensions-apiserver's customResourceStrategy warns on create and update (only the
 * finalizers an update adds; sorted and deduplicated, as `sets.String.List()`), with the
 * message of validator.go's `validateKubeFinalizerName` (kubernetes#127303, in 1.32); and the
 * ServiceAccount strategy's for the deprecated `kubernetes.io/enforce-mountable-secrets`
 * annotation (`warnIfHasEnforceMountableSecretsAnnotation`, kubernetes#128396, in 1.32). One
 * is the emulator's own: a CRD write names each `x-kubernetes-validations` rule the emulated
 * cluster does not evaluate (crd-cel.ts), which a real server would.
 */
import type { Call } from "./call.js";
import { skippedRules } from "./crd-cel.js";

type Obj = Record<string, any>;

/** metav1.FinalizerOrphanDependents, FinalizerDeleteDependents and corev1.FinalizerKubernetes. */
const STANDARD_FINALIZERS = new Set(["orphan", "foregroundDeletion", "kubernetes"]);

/** `warning.AddWarning(ctx, "", text)`: recorded on the call, sent as a header once answered. */
export function addWarning(call: Call, text: string): void {
  (call.warnings ??= []);
  if (!call.warnings.includes(text)) call.warnings.push(text);
}

const ENFORCE_MOUNTABLE_SECRETS = "kubernetes.io/enforce-mountable-secrets";

/** The strategy's WarningsOnCreate (no `old`) or WarningsOnUpdate of the call's type. */
export function strategyWarnings(call: Call, obj: Obj, old?: Obj): void {
  if (call.def.custom) finalizerWarnings(call, obj, old);
  else if (call.def.group === "apiextensions.k8s.io" && call.def.resource === "customresourcedefinitions") celRuleWarnings(call, obj);
  else if (call.def.group === "" && call.def.resource === "serviceaccounts") enforceMountableSecretsWarning(call, obj, old);
}

/** The CRD's rules the emulated cluster skips (they do not compile in its CEL environment), by their schema path. */
function celRuleWarnings(call: Call, crd: Obj): void {
  const versions: Obj[] = Array.isArray(crd.spec?.versions) ? crd.spec.versions : [];
  versions.forEach((v, i) => {
    for (const text of skippedRules(v?.schema?.openAPIV3Schema, `spec.versions[${i}].schema.openAPIV3Schema`)) addWarning(call, text);
  });
}

/** A ServiceAccount newly carrying the annotation (whatever its value); an update keeping it is quiet. */
function enforceMountableSecretsWarning(call: Call, obj: Obj, old?: Obj): void {
  const has = (o: Obj | undefined) => Object.prototype.hasOwnProperty.call(o?.metadata?.annotations ?? {}, ENFORCE_MOUNTABLE_SECRETS);
  if (old && has(old)) return;
  if (has(obj)) addWarning(call, `metadata.annotations[${ENFORCE_MOUNTABLE_SECRETS}]: deprecated in v1.32+; prefer separate namespaces to isolate access to mounted secrets`);
}

/** `generateWarningsFromObj`: a custom resource's new finalizers without a `/` that are not standard. */
function finalizerWarnings(call: Call, obj: Obj, old?: Obj): void {
  const before = new Set<string>(old?.metadata?.finalizers ?? []);
  const added = [...new Set<string>(obj.metadata?.finalizers ?? [])].filter((f) => !before.has(f)).sort();
  for (const f of added) {
    if (!f.includes("/") && !STANDARD_FINALIZERS.has(f)) {
      addWarning(call, `metadata.finalizers: ${JSON.stringify(f)}: prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers`);
    }
  }
}

/** `net.NewWarningHeader(299, "-", text)`: the text quoted with only `"` and `\` escaped. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
