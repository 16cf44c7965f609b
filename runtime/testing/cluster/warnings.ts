/**
 * @module cluster/warnings
 * API warnings (`Warning: 299 - "..."` response headers) the 1.32 server sends: the one for a
 * custom resource's finalizer that is not domain-qualified with a path, as
 * apiextensions-apiserver's customResourceStrategy warns on create and update (only the
 * finalizers an update adds; sorted and deduplicated, as `sets.String.List()`), with the
 * message of validator.go's `validateKubeFinalizerName` (kubernetes#127303, in 1.32); and the
 * ServiceAccount strategy's for the deprecated `kubernetes.io/enforce-mountable-secrets`
 * annotation (`warnIfHasEnforceMountableSecretsAnnotation`, kubernetes#128396, in 1.32); and the
 * Job storage's for a delete that leaves a Job's pods to the type's default, orphaning them
 * (`deleteOptionWarnings`, kubernetes#104080). One
 * is the emulator's own: a CRD write names each `x-kubernetes-validations` rule the emulated
 * cluster does not evaluate (crd-cel.ts), which a real server would. Every warning of a call,
 * an admission webhook's too, is recorded as endpoints/filters/warning.go records it
 * (`addWarning`: control characters dropped, a total of 4096 runes then 256 each).
 */
import type { Call } from "./call.js";
import { skippedRules } from "./crd-cel.js";

type Obj = Record<string, any>;

/** metav1.FinalizerOrphanDependents, FinalizerDeleteDependents and corev1.FinalizerKubernetes. */
const STANDARD_FINALIZERS = new Set(["orphan", "foregroundDeletion", "kubernetes"]);

/** endpoints/filters/warning.go's truncateAtTotalRunes and truncateItemRunes. */
const TOTAL_RUNES = 4 * 1024;
const ITEM_RUNES = 256;

/** What `net.NewWarningHeader` refuses in a text: unicode.IsControl's runes (C0, DEL, C1). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** A UTF-16 surrogate without its pair: Go's JSON decoding makes it U+FFFD. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The recorder of one call (filters/warning.go's `recorder`). */
interface Recorder {
  /** The texts recorded, in the order they came (a Set keeps it). */
  recorded: Set<string>;
  written: number;
  truncating: boolean;
}
const recorders = new WeakMap<Call, Recorder>();

const runes = (text: string) => [...text];
/** `text` cut to `ITEM_RUNES` runes, with its length in runes. */
function cut(text: string): [string, number] {
  const all = runes(text);
  return all.length > ITEM_RUNES ? [all.slice(0, ITEM_RUNES).join(""), ITEM_RUNES] : [text, all.length];
}

/**
 * `warning.AddWarning(ctx, "", text)`, recorded on the call (sent as headers once answered) as
 * 1.32's filters/warning.go records it: an empty text is ignored and a repeated one recorded
 * once; one with a control character is dropped (NewWarningHeader refuses it, and the recorder
 * goes on without it: a webhook's "line one\nline two" never fails the write); past 4096 runes
 * in all, every text is cut to 256 runes (those already recorded again, cut) and, once the cut
 * texts fill 4096 runes, later ones are dropped.
 */
export function addWarning(call: Call, text: string): void {
  if (text.length === 0) return;
  text = text.replace(LONE_SURROGATE, "\ufffd");
  let r = recorders.get(call);
  if (!r) recorders.set(call, (r = { recorded: new Set(), written: 0, truncating: false }));
  if (r.written >= TOTAL_RUNES && r.truncating) return;
  if (r.recorded.has(text)) return;
  r.recorded.add(text);
  let [item, length] = r.truncating ? cut(text) : [text, runes(text).length];
  if (CONTROL.test(item)) return;
  if (r.written + length <= TOTAL_RUNES || r.truncating) {
    r.written += length;
    (call.warnings ??= []).push(item);
    return;
  }
  r.truncating = true;
  r.written = 0;
  call.warnings = [];
  for (const recorded of r.recorded) {
    [item, length] = cut(recorded);
    if (CONTROL.test(item)) continue;
    r.written += length;
    call.warnings.push(item);
  }
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

/**
 * The Job storage's REST.Delete and REST.DeleteCollection: a delete of a type whose default
 * propagation orphans (batch/v1 Jobs) given neither `propagationPolicy` nor `orphanDependents`
 * warns, before the store's delete (so a 404 or a refused delete carries it too).
 */
export function orphanByDefaultWarning(call: Call, options: { propagationPolicy?: string; orphanDependents?: boolean }): void {
  if (call.def.defaultPropagation !== "Orphan" || options.propagationPolicy !== undefined || options.orphanDependents !== undefined) return;
  addWarning(call, "child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning");
}

/**
 * `net.NewWarningHeader(299, "-", text)`: the text quoted with only `"` and `\` escaped, its
 * UTF-8 bytes one per character (a header string is written as Latin-1), as Go writes them.
 */
export function warningHeader(text: string): string {
  return Buffer.from(`299 - "${text.replace(/["\\]/g, (c) => `\\${c}`)}"`, "utf8").toString("latin1");
}
