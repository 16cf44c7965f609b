/**
 * @module cluster/csr-approval
 * 1.32's CertificateApproval admission plugin (plugin/pkg/admission/certificates/approval): an
 * update through a CertificateSigningRequest's `approval` subresource needs the `approve` verb on
 * the synthetic `signers` resource of certificates.k8s.io, named by the stored object's
 * signerName or by its `domain/*` (IsAuthorizedForSignerName); else the 403 apierrors.NewForbidden
 * words for the CSR.
 */
import type { Call } from "./call.js";
import { forbidden } from "./status.js";

type Obj = Record<string, any>;

/** Whether `call`'s user may `verb` the signer `signerName` (or all of its domain's). */
export function authorizedForSigner(call: Call, verb: string, signerName: string): boolean {
  const ask = (name: string) =>
    call.auth.authorizer.authorize({
      user: call.user, verb, resourceRequest: true, path: "", apiGroup: "certificates.k8s.io", apiVersion: "*",
      resource: "signers", subresource: "", name, namespace: "",
    }).allowed;
  return ask(signerName) || ask(`${signerName.split("/")[0]}/*`);
}

/** Refuses the approval of `old` (the stored CSR, as the plugin reads it) by a user not allowed to approve its signer. */
export function admitApproval(call: Call, old: Obj): void {
  const signerName = String(old.spec?.signerName ?? "");
  if (authorizedForSigner(call, "approve", signerName)) return;
  const name = String(old.metadata?.name ?? "");
  throw forbidden({ group: "certificates.k8s.io", resource: "certificatesigningrequests" }, name, `user not permitted to approve requests with signerName ${JSON.stringify(signerName)}`);
}
