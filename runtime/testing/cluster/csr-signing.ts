/**
 * @module cluster/csr-signing
 * 1.32's CertificateSigning admission plugin (plugin/pkg/admission/certificates/signing): an
 * update through a CertificateSigningRequest's `status` subresource that changes its certificate
 * or its conditions (a signer's `Failed` included) needs the `sign` verb on the synthetic
 * `signers` resource, named by the stored object's signerName or by its `domain/*`; else the 403
 * admission.NewForbidden words for the CSR. A write leaving both as they were is not checked.
 */
import type { Call } from "./call.js";
import { authorizedForSigner } from "./csr-approval.js";
import { forbidden } from "./status.js";

type Obj = Record<string, any>;

/** A condition's fields: strings and times, an absent one its zero value. */
const CONDITION_FIELDS = ["type", "status", "reason", "message", "lastUpdateTime", "lastTransitionTime"];

/** Semantic.DeepEqual of two condition lists: nil equals empty, each field its zero value when absent. */
function sameConditions(a: Obj[] | undefined, b: Obj[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((c, i) => CONDITION_FIELDS.every((f) => (c?.[f] ?? "") === (y[i]?.[f] ?? "")));
}

/** Refuses `next` (the /status write as the strategy prepared it) over `old` by a user not allowed to sign its signer. */
export function admitSigning(call: Call, next: Obj, old: Obj): void {
  // reflect.DeepEqual of the certificate's bytes (nil is not empty), Semantic.DeepEqual of the conditions.
  const sameCertificate = next.status?.certificate === old.status?.certificate;
  if (sameCertificate && sameConditions(next.status?.conditions, old.status?.conditions)) return;
  const signerName = String(old.spec?.signerName ?? "");
  if (authorizedForSigner(call, "sign", signerName)) return;
  const name = String(old.metadata?.name ?? "");
  throw forbidden({ group: "certificates.k8s.io", resource: "certificatesigningrequests" }, name, `user not permitted to sign requests with signerName ${JSON.stringify(signerName)}`);
}
