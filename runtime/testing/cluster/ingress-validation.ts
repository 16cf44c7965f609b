/**
 * @module cluster/ingress-validation
 * networking.k8s.io/v1 Ingress and IngressClass defaults and validation as 1.32 has them (an
 * Ingress starts with an empty load balancer status; an IngressClass's parameters are
 * Cluster-scoped unless they say otherwise). pkg/apis/networking/validation wants a default backend or rules; hosts as DNS names (a wildcard
 * `*.` prefix allowed, never an IP); each path's type and form; a backend's service (name, port
 * name or number) or resource; TLS hosts and secret names; the class name and the class
 * annotation agreeing on create; the load balancer's status; an IngressClass's controller
 * (a domain-prefixed path that never changes) and parameters. Upstream's update ratchets (a
 * stored invalid TLS secret name or wildcard rule stays allowed) are left out: nothing stored
 * here was ever let in by a looser validation.
 */
import { invalidField, invalidFields, type FieldError } from "./status.js";
import { nameProblems, tooLong } from "./validation.js";
import { parseIPSloppy, INVALID_IP } from "./ip-rules.js";
import { PORT_RANGE, portNameProblems, validPort } from "./object-rules.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** The status an Ingress starts with, and SetDefaults_IngressClass. */
export function defaultIngress(ingress: Obj): void {
  ingress.status ??= { loadBalancer: {} };
}
export function defaultIngressClass(ingressClass: Obj): void {
  const params = ingressClass.spec?.parameters;
  if (params && typeof params === "object") params.scope ??= "Cluster";
}

const invalid = invalidField;
const each = invalidFields;

const WILDCARD = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const WILDCARD_MSG =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** IsWildcardDNS1123Subdomain. */
function wildcardProblems(host: string): string[] {
  return [...(host.length > 253 ? ["must be no more than 253 characters"] : []), ...(WILDCARD.test(host) ? [] : [WILDCARD_MSG])];
}

/** A host with `*` as a wildcard subdomain, any other as a DNS subdomain. */
const hostProblems = (host: string): string[] => (host.includes("*") ? wildcardProblems(host) : nameProblems(host, "subdomain"));

const PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"];
const BAD_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const BAD_SUFFIXES = ["/..", "/."];

/** validateIngressTypedLocalObjectReference: a resource backend's apiGroup, kind and name. */
function resourceRefErrors(ref: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (typeof ref.apiGroup === "string") errors.push(...each(`${at}.apiGroup`, ref.apiGroup, nameProblems(ref.apiGroup, "subdomain")));
  for (const key of ["kind", "name"]) {
    const value = String(ref[key] ?? "");
    if (value === "") errors.push({ type: "Required", field: `${at}.${key}`, detail: `${key} is required` });
    else errors.push(...each(`${at}.${key}`, value, nameProblems(value, "segment")));
  }
  return errors;
}

/** validateIngressBackend: exactly one of a service (a DNS-1035 name, a port name or number) and a resource. */
function backendErrors(backend: Obj | undefined, at: string): FieldError[] {
  const service = backend?.service;
  const resource = backend?.resource;
  if (resource && service) return [invalid(at, "", "cannot set both resource and service backends")];
  if (resource) return resourceRefErrors(resource, `${at}.resource`);
  if (!service) return [invalid(at, "", "resource or service backend is required")];
  const errors: FieldError[] = [];
  const name = String(service.name ?? "");
  if (name === "") errors.push({ type: "Required", field: `${at}.service.name` });
  else errors.push(...each(`${at}.service.name`, name, nameProblems(name, "dns1035")));
  const portName = String(service.port?.name ?? "");
  const portNumber = service.port?.number ?? 0;
  if (portName !== "" && portNumber !== 0) errors.push(invalid(at, "", "cannot set both port name & port number"));
  else if (portName !== "") errors.push(...each(`${at}.service.port.name`, portName, portNameProblems(portName)));
  else if (portNumber !== 0) errors.push(...(validPort(portNumber) ? [] : [invalid(`${at}.service.port.number`, portNumber, PORT_RANGE)]));
  else errors.push({ type: "Required", field: at, detail: "port name or number is required" });
  return errors;
}

/** validateHTTPIngressPath: a path type, a path of its form, a backend. */
function pathErrors(path: Obj, at: string): FieldError[] {
  if (path?.pathType === undefined || path.pathType === null) return [{ type: "Required", field: `${at}.pathType`, detail: "pathType must be specified" }];
  const text = String(path.path ?? "");
  const errors: FieldError[] = [];
  const absolute = () => (text.startsWith("/") ? [] : [invalid(`${at}.path`, text, "must be an absolute path")]);
  if (path.pathType === "Exact" || path.pathType === "Prefix") {
    errors.push(...absolute());
    if (text.length > 0) {
      for (const seq of BAD_SEQUENCES) if (text.includes(seq)) errors.push(invalid(`${at}.path`, text, `must not contain '${seq}'`));
      for (const suffix of BAD_SUFFIXES) if (text.endsWith(suffix)) errors.push(invalid(`${at}.path`, text, `cannot end with '${suffix}'`));
    }
  } else if (path.pathType === "ImplementationSpecific") {
    if (text.length > 0) errors.push(...absolute());
  } else errors.push({ type: "NotSupported", field: `${at}.pathType`, value: path.pathType, supported: PATH_TYPES });
  return [...errors, ...backendErrors(path.backend, `${at}.backend`)];
}

/** validateIngressRuleValue: an `http` rule needs paths, each checked. */
function ruleValueErrors(rule: Obj, at: string): FieldError[] {
  if (!rule?.http) return [];
  const paths: Obj[] = Array.isArray(rule.http.paths) ? rule.http.paths : [];
  return [...(paths.length === 0 ? [{ type: "Required", field: `${at}.http.paths` } as FieldError] : []), ...paths.flatMap((p, i) => pathErrors(p ?? {}, `${at}.http.paths[${i}]`))];
}

const secretNameProblems = (name: unknown): string[] => (typeof name === "string" && name !== "" ? nameProblems(name, "subdomain") : []);

/** validateIngressRules: each host (never an IP), then its rule. */
function rulesErrors(rules: Obj[]): FieldError[] {
  return rules.flatMap((rule, i) => {
    const at = `spec.rules[${i}]`;
    const host = String(rule?.host ?? "");
    const errors: FieldError[] = [];
    if (host !== "") {
      if (parseIPSloppy(host)) errors.push(invalid(`${at}.host`, host, "must be a DNS name, not an IP address"));
      errors.push(...each(`${at}.host`, host, hostProblems(host)));
    }
    errors.push(...ruleValueErrors(rule ?? {}, at));
    return errors;
  });
}

/** validateIngressTLS: each host as a (wildcard) subdomain, the secret name a subdomain. */
function tlsErrors(tls: Obj[]): FieldError[] {
  return tls.flatMap((t, i) => {
    const at = `spec.tls[${i}]`;
    const hosts: unknown[] = Array.isArray(t?.hosts) ? t.hosts : [];
    const errors = hosts.flatMap((h, j) => each(`${at}.hosts[${j}]`, String(h), hostProblems(String(h))));
    errors.push(...each(`${at}.secretName`, String(t?.secretName ?? ""), secretNameProblems(t?.secretName)));
    return errors;
  });
}

/** Go's `%#v` of the rules slice `ValidateIngressSpec` prints when there are neither rules nor a default backend. */
const goRules = (rules: unknown) => (Array.isArray(rules) ? "[]networking.IngressRule{}" : "[]networking.IngressRule(nil)");

/** ValidateIngressSpec (metadata is checked by the registry). */
export function ingressErrors(ingress: Obj): FieldError[] {
  const spec: Obj = ingress.spec ?? {};
  const rules: Obj[] = Array.isArray(spec.rules) ? spec.rules : [];
  const tls: Obj[] = Array.isArray(spec.tls) ? spec.tls : [];
  const errors: FieldError[] = [];
  if (rules.length === 0 && !spec.defaultBackend) errors.push({ type: "Invalid", field: "spec", rendered: goRules(spec.rules), detail: "either `defaultBackend` or `rules` must be specified" });
  if (spec.defaultBackend) errors.push(...backendErrors(spec.defaultBackend, "spec.defaultBackend"));
  errors.push(...rulesErrors(rules), ...tlsErrors(tls));
  if (typeof spec.ingressClassName === "string") errors.push(...each("spec.ingressClassName", spec.ingressClassName, nameProblems(spec.ingressClassName, "subdomain")));
  return errors;
}

const CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/** ValidateIngressCreate's last check: the class annotation, when set beside `ingressClassName`, must match it. */
export function ingressCreateErrors(ingress: Obj): FieldError[] {
  const annotation = ingress.metadata?.annotations?.[CLASS_ANNOTATION];
  const name = ingress.spec?.ingressClassName;
  if (annotation === undefined || typeof name !== "string" || annotation === name) return [];
  return [invalid(`annotations.${CLASS_ANNOTATION}`, annotation, "must match `ingressClassName` when both are specified")];
}

/** ValidateIngressLoadBalancerStatus: each ingress point's ip an IP, its hostname a DNS name and not an IP. */
export function ingressStatusErrors(ingress: Obj): FieldError[] {
  const points: Obj[] = Array.isArray(ingress.status?.loadBalancer?.ingress) ? ingress.status.loadBalancer.ingress : [];
  return points.flatMap((p, i) => {
    const at = `status.loadBalancer.ingress[${i}]`;
    const errors: FieldError[] = [];
    const ip = String(p?.ip ?? "");
    if (ip !== "" && !parseIPSloppy(ip)) errors.push(invalid(`${at}.ip`, ip, INVALID_IP));
    const hostname = String(p?.hostname ?? "");
    if (hostname !== "") {
      errors.push(...each(`${at}.hostname`, hostname, nameProblems(hostname, "subdomain")));
      if (parseIPSloppy(hostname)) errors.push(invalid(`${at}.hostname`, hostname, "must be a DNS name, not an IP address"));
    }
    return errors;
  });
}

const HTTP_PATH = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/** IsDomainPrefixedPath: `host/path`, the host a DNS subdomain, the path of HTTP path characters. */
function domainPrefixedPathErrors(value: string, field: string): FieldError[] {
  const slash = value.indexOf("/");
  const host = slash < 0 ? value : value.slice(0, slash);
  const path = slash < 0 ? "" : value.slice(slash + 1);
  if (slash < 0 || host === "" || path === "") return [invalid(field, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errors = each(field, host, nameProblems(host, "subdomain"));
  if (!HTTP_PATH.test(path)) errors.push(invalid(field, path, "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"));
  return errors;
}

/** validateIngressClassParametersReference: apiGroup, kind and name, and a scope that says whether a namespace is named. */
function parametersErrors(params: Obj | undefined): FieldError[] {
  if (!params) return [];
  const at = "spec.parameters";
  const errors = resourceRefErrors(params, at);
  if (params.scope === undefined || params.scope === null) return [...errors, { type: "Required", field: `${at}.scope` }];
  if (params.scope !== "Cluster" && params.scope !== "Namespace") return [...errors, { type: "NotSupported", field: `${at}.scope`, value: params.scope, supported: ["Cluster", "Namespace"] }];
  if (params.scope === "Namespace") {
    if (typeof params.namespace !== "string") errors.push({ type: "Required", field: `${at}.namespace`, detail: "`parameters.scope` is set to 'Namespace'" });
    else errors.push(...each(`${at}.namespace`, params.namespace, nameProblems(params.namespace, "label")));
  }
  if (params.scope === "Cluster" && typeof params.namespace === "string") errors.push({ type: "Forbidden", field: `${at}.namespace`, detail: "`parameters.scope` is set to 'Cluster'" });
  return errors;
}

/** validateIngressClassSpec: a controller (at most 250 bytes, a domain-prefixed path) and the parameters. */
export function ingressClassErrors(ingressClass: Obj): FieldError[] {
  const controller = String(ingressClass.spec?.controller ?? "");
  const errors: FieldError[] = [];
  if (controller === "") errors.push({ type: "Required", field: "spec.controller" });
  else {
    if (Buffer.byteLength(controller) > 250) errors.push(tooLong("spec.controller", 250));
    errors.push(...domainPrefixedPathErrors(controller, "spec.controller"));
  }
  return [...errors, ...parametersErrors(ingressClass.spec?.parameters)];
}

/** validateIngressClassSpecUpdate: the controller never changes (checked before the spec itself). */
export function ingressClassUpdateErrors(ingressClass: Obj, old: Obj): FieldError[] {
  const next = ingressClass.spec?.controller ?? "";
  return next === (old.spec?.controller ?? "") ? [] : [invalid("spec.controller", next, "field is immutable")];
}
