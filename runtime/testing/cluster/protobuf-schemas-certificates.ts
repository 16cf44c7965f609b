/**
 * @module cluster/protobuf-schemas-certificates
 * certificates.k8s.io/v1 CertificateSigningRequest as k8s.io/api `generated.proto` numbers it
 * (1.32), for the typed client of `kubectl certificate approve/deny`, which sends the whole
 * object to /approval as protobuf. The spec's `extra` and the conditions' times are skipped: the
 * strategies keep the stored spec and date conditions that carry no times.
 */
import { OBJECT_META, type Schema } from "./protobuf-schemas-meta.js";

const CSR_SPEC: Schema = {
  1: ["request", "bytes"],
  2: ["username", "string"],
  3: ["uid", "string"],
  4: ["groups", "string", "repeated"],
  5: ["usages", "string", "repeated"],
  7: ["signerName", "string"],
  8: ["expirationSeconds", "int?"],
};
const CSR_CONDITION: Schema = { 1: ["type", "string"], 2: ["reason", "string"], 3: ["message", "string"], 6: ["status", "string"] };

export const CERTIFICATES_SCHEMAS: Record<string, Schema> = {
  "certificates.k8s.io/v1/CertificateSigningRequest": {
    1: ["metadata", OBJECT_META],
    2: ["spec", CSR_SPEC],
    3: ["status", { 1: ["conditions", CSR_CONDITION, "repeated"], 2: ["certificate", "bytes"] }],
  },
};
