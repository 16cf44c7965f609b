/**
 * @module cluster/csr-subject-restriction
 * 1.32's CertificateSubjectRestriction admission plugin (plugin/pkg/admission/certificates/
 * subjectrestriction): a CertificateSigningRequest created for the
 * `kubernetes.io/kube-apiserver-client` signer may not ask for the `system:masters` group (an
 * Organization of its subject), whoever creates it; else the 403 admission.NewForbidden words.
 */
import type { Call } from "./call.js";
import { csrOrganizations } from "./csr-request.js";
import { forbidden } from "./status.js";

type Obj = Record<string, any>;

const KUBE_APISERVER_CLIENT = "kubernetes.io/kube-apiserver-client";

/** Refuses the creation of `csr` (decoded and validated) when it asks the API server's client signer for system:masters. */
export function admitSubjectRestriction(_call: Call, csr: Obj): void {
  if (csr.spec?.signerName !== KUBE_APISERVER_CLIENT) return;
  const request = Buffer.from(String(csr.spec?.request ?? ""), "base64");
  if (!csrOrganizations(request).includes("system:masters")) return;
  const name = String(csr.metadata?.name || csr.metadata?.generateName || "Unknown");
  throw forbidden({ group: "certificates.k8s.io", resource: "certificatesigningrequests" }, name, `use of ${KUBE_APISERVER_CLIENT} signer with system:masters group is not allowed`);
}
