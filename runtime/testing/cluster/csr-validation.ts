/**
 * @module cluster/csr-validation
 * 1.32's pkg/apis/certificates/validation for a certificates.k8s.io/v1 CertificateSigningRequest:
 * the request (a PEM CERTIFICATE REQUEST whose signature verifies, `csr-request`), usages (set,
 * known, no duplicates), signerName (ValidateSignerName; not the legacy one), expirationSeconds
 * (at least 600), the conditions (types, True-only statuses, Approved and Denied mutually
 * exclusive, no duplicates) and status.certificate (CERTIFICATE PEM blocks); on an update the
 * Approved, Denied and Failed conditions are never removed, Approved and Denied only change
 * through /approval, the certificate is set only through /status and never changed once set.
 * What an old object already breaks is tolerated (getValidationOptions).
 */
import { X509Certificate } from "node:crypto";
import { csrRequestError } from "./csr-request.js";
import { sameJson } from "./go-equality.js";
import type { FieldError } from "./status.js";
import { nameProblems } from "./validation.js";

type Obj = Record<string, any>;

/** Which write is validated: the main resource, /status or /approval. */
export type CsrScope = "main" | "status" | "approval";

export const LEGACY_UNKNOWN_SIGNER = "kubernetes.io/legacy-unknown";

const VALID_USAGES = [
  "signing", "digital signature", "content commitment", "key encipherment", "key agreement", "data encipherment", "cert sign", "crl sign",
  "encipher only", "decipher only", "any", "server auth", "client auth", "code signing", "email protection", "s/mime", "ipsec end system",
  "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc",
].sort();
const TRUE_ONLY = new Set(["Approved", "Denied", "Failed"]);

/** A []byte field of the JSON object (base64) as bytes; undefined when unset. */
export function bytesOf(value: unknown): Buffer | undefined {
  return typeof value === "string" ? Buffer.from(value, "base64") : undefined;
}

/** Go's `%#v` of a []byte. */
function goBytes(bytes: Buffer | undefined): string {
  if (!bytes) return "[]byte(nil)";
  return `[]byte{${[...bytes].map((b) => `0x${b.toString(16)}`).join(", ")}}`;
}

/** validateCertificate: every PEM block a CERTIFICATE without headers holding certificates; at least one. */
function certificateError(pem: Buffer | undefined): string | undefined {
  if (!pem || pem.length === 0) return undefined;
  const blocks = [...pem.toString("latin1").matchAll(/-----BEGIN ([^\r\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g)];
  if (blocks.length === 0) return "must contain at least one CERTIFICATE PEM block";
  for (const [, type, body] of blocks) {
    if (type !== "CERTIFICATE") return `only CERTIFICATE PEM blocks are allowed, found "${type}"`;
    if (/^[^\r\n]*:/m.test(body!)) return "no PEM block headers are permitted";
    try {
      new X509Certificate(Buffer.from(body!.replace(/\s+/g, ""), "base64"));
    } catch {
      return "x509: malformed certificate";
    }
  }
  return undefined;
}

/** ValidateSignerName. */
export function signerNameErrors(signerName: string, field: string): FieldError[] {
  if (!signerName) return [{ type: "Required", field }];
  const segments = signerName.split("/");
  if (segments.length !== 2) return [{ type: "Invalid", field, value: signerName, detail: "must be a fully qualified domain and path of the form 'example.com/signer-name'" }];
  const [domain, path] = segments as [string, string];
  const errors: FieldError[] = [];
  if (domain.length > 253) errors.push({ type: "TooLong", field, detail: "may not be more than 253 bytes" });
  const domainLabels = domain.split(".");
  for (const label of domainLabels) {
    const problems = nameProblems(label, "label");
    if (problems.length) {
      for (const p of problems) errors.push({ type: "Invalid", field, value: domain, detail: `validating label "${label}": ${p}` });
      break;
    }
  }
  if (domainLabels.length < 2) errors.push({ type: "Invalid", field, value: domain, detail: "should be a domain with at least two segments separated by dots" });
  for (const label of path.split(".")) {
    const problems = nameProblems(label, "subdomain");
    if (problems.length) {
      for (const p of problems) errors.push({ type: "Invalid", field, value: path, detail: `validating label "${label}": ${p}` });
      break;
    }
  }
  const max = 253 + (253 + 63 + 1) + 1;
  if (signerName.length > max) errors.push({ type: "TooLong", field, detail: `may not be more than ${max} bytes` });
  return errors;
}

const conditionsOf = (o: Obj | undefined): Obj[] => (Array.isArray(o?.status?.conditions) ? o!.status.conditions : []);
const ofType = (o: Obj | undefined, type: string): Obj[] => conditionsOf(o).filter((c) => c?.type === type);
const typesRepeat = (o: Obj): boolean => new Set(conditionsOf(o).map((c) => c?.type)).size !== conditionsOf(o).length;

/** getValidationOptions: what the stored object already breaks is tolerated; `scope` allows what its subresource sets. */
function options(next: Obj, old: Obj | undefined, scope: CsrScope) {
  const usages: unknown[] = old?.spec?.usages ?? [];
  const sameCertificate = old !== undefined && (next.status?.certificate ?? "") === (old.status?.certificate ?? "");
  return {
    settingApproval: scope === "approval",
    settingCertificate: scope === "status",
    bothApprovedAndDenied: old !== undefined && ofType(old, "Approved").length > 0 && ofType(old, "Denied").length > 0,
    legacySigner: old?.spec?.signerName === LEGACY_UNKNOWN_SIGNER,
    duplicateConditionTypes: old !== undefined && typesRepeat(old),
    emptyConditionType: old !== undefined && conditionsOf(old).some((c) => !c?.type),
    arbitraryCertificate: sameCertificate || (old !== undefined && certificateError(bytesOf(old.status?.certificate)) !== undefined),
    unknownUsages: usages.some((u) => !VALID_USAGES.includes(String(u))),
    duplicateUsages: new Set(usages).size !== usages.length,
  };
}

/** validateConditions. */
function conditionErrors(o: Obj, opts: ReturnType<typeof options>): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conditionsOf(o).forEach((c, i) => {
    const at = `status.conditions[${i}]`;
    const type = String(c?.type ?? "");
    if (!opts.emptyConditionType && !type) errors.push({ type: "Required", field: `${at}.type` });
    const allowed = TRUE_ONLY.has(type) ? ["True"] : ["False", "True", "Unknown"];
    if (!c?.status) errors.push({ type: "Required", field: `${at}.status` });
    else if (!allowed.includes(c.status)) errors.push({ type: "NotSupported", field: `${at}.status`, value: c.status, supported: allowed });
    if (!opts.bothApprovedAndDenied) {
      if (type === "Approved") {
        approved = true;
        if (denied) errors.push({ type: "Invalid", field: `${at}.type`, value: type, detail: "Approved and Denied conditions are mutually exclusive" });
      } else if (type === "Denied") {
        denied = true;
        if (approved) errors.push({ type: "Invalid", field: `${at}.type`, value: type, detail: "Approved and Denied conditions are mutually exclusive" });
      }
    }
    if (!opts.duplicateConditionTypes) {
      if (seen.has(type)) errors.push({ type: "Duplicate", field: `${at}.type`, value: type });
      seen.add(type);
    }
  });
  return errors;
}

/** validateCertificateSigningRequest past the metadata (checked by the server's common rules). */
function csrErrors(o: Obj, opts: ReturnType<typeof options>): FieldError[] {
  const errors: FieldError[] = [];
  const spec: Obj = o.spec ?? {};
  const request = bytesOf(spec.request);
  const problem = csrRequestError(request ?? Buffer.alloc(0));
  if (problem) errors.push({ type: "Invalid", field: "spec.request", rendered: goBytes(request), detail: problem });
  const usages: unknown[] = Array.isArray(spec.usages) ? spec.usages : [];
  if (usages.length === 0) errors.push({ type: "Required", field: "spec.usages" });
  if (!opts.unknownUsages) {
    usages.forEach((u, i) => {
      if (!VALID_USAGES.includes(String(u))) errors.push({ type: "NotSupported", field: `spec.usages[${i}]`, value: u, supported: VALID_USAGES });
    });
  }
  if (!opts.duplicateUsages) {
    const seen = new Set<unknown>();
    usages.forEach((u, i) => {
      if (seen.has(u)) errors.push({ type: "Duplicate", field: `spec.usages[${i}]`, value: u });
      seen.add(u);
    });
  }
  const signerName = String(spec.signerName ?? "");
  if (!opts.legacySigner && signerName === LEGACY_UNKNOWN_SIGNER) {
    errors.push({ type: "Invalid", field: "spec.signerName", value: signerName, detail: "the legacy signerName is not allowed via this API version" });
  } else errors.push(...signerNameErrors(signerName, "spec.signerName"));
  if (typeof spec.expirationSeconds === "number" && spec.expirationSeconds < 600) {
    errors.push({ type: "Invalid", field: "spec.expirationSeconds", value: spec.expirationSeconds, detail: "may not specify a duration less than 600 seconds (10 minutes)" });
  }
  errors.push(...conditionErrors(o, opts));
  if (!opts.arbitraryCertificate) {
    const bad = certificateError(bytesOf(o.status?.certificate));
    if (bad) errors.push({ type: "Invalid", field: "status.certificate", value: "<certificate data>", detail: bad });
  }
  return errors;
}

/** validateCertificateSigningRequestUpdate's own checks, after the object's. */
function updateErrors(o: Obj, old: Obj, opts: ReturnType<typeof options>): FieldError[] {
  const errors: FieldError[] = [];
  for (const t of ["Approved", "Denied", "Failed"]) {
    if (ofType(o, t).length < ofType(old, t).length) errors.push({ type: "Forbidden", field: "status.conditions", detail: `updates may not remove a condition of type "${t}"` });
  }
  if (!opts.settingApproval) {
    for (const t of ["Approved", "Denied"]) {
      const [before, after] = [ofType(old, t), ofType(o, t)];
      if (after.length > before.length) errors.push({ type: "Forbidden", field: "status.conditions", detail: `updates may not add a condition of type "${t}"` });
      else if (after.length === before.length && !sameJson(before, after)) errors.push({ type: "Forbidden", field: "status.conditions", detail: `updates may not modify a condition of type "${t}"` });
    }
  }
  if ((o.status?.certificate ?? "") !== (old.status?.certificate ?? "")) {
    if (!opts.settingCertificate) errors.push({ type: "Forbidden", field: "status.certificate", detail: "updates may not set certificate content" });
    else if ((bytesOf(old.status?.certificate)?.length ?? 0) > 0) errors.push({ type: "Forbidden", field: "status.certificate", detail: "updates may not modify existing certificate content" });
  }
  return errors;
}

/** The CSR's validation for a create (`old` undefined) or an update through `scope`. */
export function csrValidation(o: Obj, old: Obj | undefined, scope: CsrScope = "main"): FieldError[] {
  const opts = options(o, old, scope);
  return [...csrErrors(o, opts), ...(old ? updateErrors(o, old, opts) : [])];
}
