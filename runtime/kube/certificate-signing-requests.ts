/**
 * @module kube/certificate-signing-requests
 * CertificateSigningRequests (certificates.k8s.io/v1, cluster-scoped): the resource verbs plus
 * `approve` and `deny`, which add the condition `kubectl certificate approve|deny` adds, through
 * the `approval` subresource, reading the request afresh and trying again on a conflict as
 * kubectl does. A request already decided the same way is left as it is (no write); one decided
 * the other way is a `CertificateDecidedError` (the API server refuses both conditions at once).
 */
import type { CertificateSigningRequest, CertificateSigningRequestCondition } from "kubernetes-types/certificates/v1.js";
import type { CertificateDecisionOptions, CertificateSigningRequestClient } from "./api.js";
import { rfc3339 } from "./actions.js";
import { writeQuery } from "./context.js";
import { CertificateDecidedError } from "./errors.js";
import { Resource } from "./resource-client.js";
import { retryOnConflict } from "./retry.js";

type Decision = "Approved" | "Denied";

/** kubectl's `modifyCertificateCondition` tries ten times. */
const ATTEMPTS = 10;

/** Implements `CertificateSigningRequestClient`. */
export class CertificateSigningRequests extends Resource<CertificateSigningRequest> implements CertificateSigningRequestClient {
  approve(name: string, options: CertificateDecisionOptions = {}): Promise<CertificateSigningRequest> {
    return this.#decide(name, "Approved", options);
  }

  deny(name: string, options: CertificateDecisionOptions = {}): Promise<CertificateSigningRequest> {
    return this.#decide(name, "Denied", options);
  }

  #decide(name: string, decision: Decision, options: CertificateDecisionOptions): Promise<CertificateSigningRequest> {
    const { reason, message, ...write } = options;
    const other: Decision = decision === "Approved" ? "Denied" : "Approved";
    return retryOnConflict(
      async () => {
        const csr = await this.get(name, { signal: write.signal });
        const conditions = csr.status?.conditions ?? [];
        if (conditions.some((c) => c.type === other)) throw new CertificateDecidedError(name, other);
        if (conditions.some((c) => c.type === decision)) return csr;
        const condition: CertificateSigningRequestCondition = {
          type: decision,
          status: "True",
          reason: reason ?? (decision === "Approved" ? "PodfnApprove" : "PodfnDeny"),
          message: message ?? `This CSR was ${decision.toLowerCase()} by podfn.`,
          lastUpdateTime: rfc3339(this.context.now()),
        };
        const body = this.typed({ ...csr, status: { ...csr.status, conditions: [...conditions, condition] } });
        return this.request<CertificateSigningRequest>("PUT", this.path(undefined, name, "approval"), write, { query: writeQuery(this.context, write), body });
      },
      { attempts: ATTEMPTS, signal: write.signal },
    );
  }
}
