/**
 * @module deploy/admission
 * The objects of the admission webhooks (functions with `admission`), in `admission.yaml`:
 * - per serving workload with webhooks, a ValidatingWebhookConfiguration and/or a
 *   MutatingWebhookConfiguration (cluster-scoped, named `<app>.<namespace>` for the default
 *   workload, `<app>.<workload>.<namespace>` for a named one: the same app installed in two
 *   namespaces keeps two), one webhook per function, named `<function>.<app>.<namespace>.podfn.dev`,
 *   calling its workload's Service's
 *   `webhook` port (443 → the pods' 9443) at `/admission/<function>`, with the function's rules
 *   (each resource in the version its type names; `matchPolicy: Equivalent` converts requests
 *   made in another), `admissionReviewVersions: ["v1"]`, `sideEffects`, `failurePolicy`,
 *   `timeoutSeconds`, and a `namespaceSelector` that always leaves out the app's own namespace
 *   and `kube-system`: with `Fail`, a webhook matching the pods of its own namespace could never
 *   start again once down (its new pods would need it), nor could the control plane's;
 * - TLS by cert-manager, which must be installed: per workload, a self-signed Issuer and a
 *   Certificate for its Service's DNS names whose Secret the pods mount where `--admission-cert-file` reads it, and
 *   the `cert-manager.io/inject-ca-from` annotation, by which cert-manager's CA injector writes
 *   the certificate into each webhook's `caBundle` (and again on every renewal).
 * The function's ServiceAccount is granted nothing for them: the configurations are applied by
 * whoever applies the manifests (creating them takes cluster-wide rights), never by podfn.
 */
import type { LabelSelector, LabelSelectorRequirement } from "kubernetes-types/meta/v1.js";
import type { MutatingWebhook, MutatingWebhookConfiguration, RuleWithOperations, ValidatingWebhook, ValidatingWebhookConfiguration } from "kubernetes-types/admissionregistration/v1.js";
import type { KubeObject } from "../kube/api.js";
import type { LoadedFunction } from "../function.js";
import { boundedName } from "./names.js";

/** The Service port the webhook configurations call (the pods' `webhook` port behind it). */
export const WEBHOOK_SERVICE_PORT = 443;
const CERT_MANAGER = "cert-manager.io/v1";

/**
 * Name of the admission webhooks' Certificate, and of the Secret cert-manager keeps it in:
 * `<app>-admission-tls` for the default workload's, `<app>-<workload>-admission-tls` for a named one's.
 */
export function admissionCertificateName(app: string, workload?: string): string {
  return boundedName([app, workload ?? "", "admission-tls"]);
}

/** The Secret holding the serving certificate (the Certificate's `secretName`). */
export const admissionSecretName = admissionCertificateName;

/** `namespaceSelector` with the app's namespace and kube-system always left out. */
function namespaceSelector(own: string, given: LabelSelector | undefined): LabelSelector {
  const outside: LabelSelectorRequirement = { key: "kubernetes.io/metadata.name", operator: "NotIn", values: [...new Set([own, "kube-system"])].sort() };
  return { ...given, matchExpressions: [...(given?.matchExpressions ?? []), outside] };
}

function rulesOf(fn: LoadedFunction): RuleWithOperations[] {
  return fn.admission!.rules.map((r) => ({ apiGroups: [r.type.group], apiVersions: [r.type.version], operations: [...r.operations], resources: [r.subresource === undefined ? r.type.resource : `${r.type.resource}/${r.subresource}`], scope: r.scope }));
}

/** The webhook of one function, as a Validating or Mutating configuration lists it. */
function webhookOf(fn: LoadedFunction, service: string, options: { app: string; namespace: string }): ValidatingWebhook {
  const a = fn.admission!;
  return {
    name: `${fn.name}.${options.app}.${options.namespace}.podfn.dev`,
    clientConfig: { service: { name: service, namespace: options.namespace, path: a.path, port: WEBHOOK_SERVICE_PORT } },
    rules: rulesOf(fn),
    admissionReviewVersions: ["v1"],
    sideEffects: a.sideEffects,
    failurePolicy: a.failurePolicy,
    matchPolicy: "Equivalent",
    timeoutSeconds: a.timeoutSeconds,
    namespaceSelector: namespaceSelector(options.namespace, a.namespaceSelector),
    ...(a.objectSelector ? { objectSelector: a.objectSelector } : {}),
    ...(a.matchConditions ? { matchConditions: a.matchConditions } : {}),
  };
}

/**
 * The admission webhooks' objects: the Issuer and Certificate (in `namespace`) and a
 * configuration per webhook type that `functions` have. Empty without admission functions.
 *
 * @example
 * admissionObjects(functions, { app: "podfn", namespace: "ops", service: "podfn-http", labels });
 */
export function admissionObjects(functions: readonly LoadedFunction[], options: { app: string; namespace: string; service: string; labels: Record<string, string>; workload?: string }): KubeObject[] {
  const webhooks = functions.filter((fn) => fn.admission);
  if (webhooks.length === 0) return [];
  const { app, namespace, service, labels, workload } = options;
  const issuer = boundedName([app, workload ?? "", "admission-selfsigned"]);
  const certificate = admissionCertificateName(app, workload);
  // Namespaces, apps and workloads hold no dot: `<app>.<namespace>` and `<app>.<workload>.<namespace>` never meet.
  const name = workload === undefined ? `${app}.${namespace}` : `${app}.${workload}.${namespace}`;
  const annotations = { "cert-manager.io/inject-ca-from": `${namespace}/${certificate}` };
  const out: KubeObject[] = [
    { apiVersion: CERT_MANAGER, kind: "Issuer", metadata: { name: issuer, namespace, labels }, spec: { selfSigned: {} } } as KubeObject,
    {
      apiVersion: CERT_MANAGER,
      kind: "Certificate",
      metadata: { name: certificate, namespace, labels },
      spec: {
        secretName: admissionSecretName(app, workload),
        dnsNames: [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`],
        issuerRef: { name: issuer, kind: "Issuer", group: "cert-manager.io" },
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      },
    } as KubeObject,
  ];
  const validating = webhooks.filter((fn) => fn.admission!.type === "validating");
  const mutating = webhooks.filter((fn) => fn.admission!.type === "mutating");
  if (mutating.length > 0) {
    const configuration: MutatingWebhookConfiguration = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "MutatingWebhookConfiguration",
      metadata: { name, labels, annotations },
      // Called again after later mutating webhooks' changes only when the function says so (IfNeeded).
      webhooks: mutating.map((fn): MutatingWebhook => ({ ...webhookOf(fn, service, options), reinvocationPolicy: fn.admission!.reinvocationPolicy ?? "Never" })),
    };
    out.push(configuration as KubeObject);
  }
  if (validating.length > 0) {
    const configuration: ValidatingWebhookConfiguration = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingWebhookConfiguration",
      metadata: { name, labels, annotations },
      webhooks: validating.map((fn) => webhookOf(fn, service, options)),
    };
    out.push(configuration as KubeObject);
  }
  return out;
}
