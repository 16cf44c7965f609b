/**
 * @module cluster/printers-cluster
 * 1.32's server-side printers (pkg/printers/internalversion) of cluster-scoped types served as
 * plain resources: CertificateSigningRequests (signer, requestor, requested duration, and the
 * condition as extractCSRStatus sums it up: Denied before Approved before Pending, then Failed
 * and Issued) and StorageClasses (` (default)` after the name of the default class, the
 * policies with their defaults when unset, allowVolumeExpansion false when unset) and
 * PriorityClasses (value, global default, preemption policy). Column
 * descriptions are the SwaggerDocs the printers cite.
 */
import { humanDuration } from "./duration.js";
import { AGE, age, col, NAME, type Obj, type Printer } from "./printer-columns.js";

const SIGNER_NAME_DOC = "signerName indicates the requested signer, and is a qualified name.\n\nList/watch requests for CertificateSigningRequests can filter on this field using a \"spec.signerName=NAME\" fieldSelector.\n\nWell-known Kubernetes signers are:\n 1. \"kubernetes.io/kube-apiserver-client\": issues client certificates that can be used to authenticate to kube-apiserver.\n  Requests for this signer are never auto-approved by kube-controller-manager, can be issued by the \"csrsigning\" controller in kube-controller-manager.\n 2. \"kubernetes.io/kube-apiserver-client-kubelet\": issues client certificates that kubelets use to authenticate to kube-apiserver.\n  Requests for this signer can be auto-approved by the \"csrapproving\" controller in kube-controller-manager, and can be issued by the \"csrsigning\" controller in kube-controller-manager.\n 3. \"kubernetes.io/kubelet-serving\" issues serving certificates that kubelets use to serve TLS endpoints, which kube-apiserver can connect to securely.\n  Requests for this signer are never auto-approved by kube-controller-manager, and can be issued by the \"csrsigning\" controller in kube-controller-manager.\n\nMore details are available at https://k8s.io/docs/reference/access-authn-authz/certificate-signing-requests/#kubernetes-signers\n\nCustom signerNames can also be specified. The signer defines:\n 1. Trust distribution: how trust (CA bundles) are distributed.\n 2. Permitted subjects: and behavior when a disallowed subject is requested.\n 3. Required, permitted, or forbidden x509 extensions in the request (including whether subjectAltNames are allowed, which types, restrictions on allowed values) and behavior when a disallowed extension is requested.\n 4. Required, permitted, or forbidden key usages / extended key usages.\n 5. Expiration/certificate lifetime: whether it is fixed by the signer, configurable by the admin.\n 6. Whether or not requests for CA certificates are allowed.";
const REQUEST_DOC = "request contains an x509 certificate signing request encoded in a \"CERTIFICATE REQUEST\" PEM block. When serialized as JSON or YAML, the data is additionally base64-encoded.";
const EXPIRATION_DOC = "expirationSeconds is the requested duration of validity of the issued certificate. The certificate signer may issue a certificate with a different validity duration so a client must check the delta between the notBefore and and notAfter fields in the issued certificate to determine the actual duration.\n\nThe v1.22+ in-tree implementations of the well-known Kubernetes signers will honor this field as long as the requested duration is not greater than the maximum duration they will honor per the --cluster-signing-duration CLI flag to the Kubernetes controller manager.\n\nCertificate signers may not honor this field for various reasons:\n\n  1. Old signer that is unaware of the field (such as the in-tree\n     implementations prior to v1.22)\n  2. Signer whose configured maximum is shorter than the requested duration\n  3. Signer whose configured minimum is longer than the requested duration\n\nThe minimum valid value for expirationSeconds is 600, i.e. 10 minutes.\n\nAs of v1.22, this field is beta and is controlled via the CSRDuration feature gate.";
const CONDITIONS_DOC = "conditions applied to the request. Known conditions are \"Approved\", \"Denied\", and \"Failed\".";

/** storageutil.IsDefaultAnnotation: the GA or beta default-class annotation is "true". */
function isDefaultClass(o: Obj): boolean {
  const annotations = (o.metadata?.annotations ?? {}) as Record<string, string>;
  return annotations["storageclass.kubernetes.io/is-default-class"] === "true" || annotations["storageclass.beta.kubernetes.io/is-default-class"] === "true";
}

/** extractCSRStatus. */
export function csrCondition(o: Obj): string {
  const types = new Set(((o.status?.conditions ?? []) as Obj[]).map((c) => c?.type));
  let status = types.has("Denied") ? "Denied" : types.has("Approved") ? "Approved" : "Pending";
  if (types.has("Failed")) status += ",Failed";
  if (typeof o.status?.certificate === "string" && o.status.certificate.length > 0) status += ",Issued";
  return status;
}

export const CLUSTER_PRINTERS: Record<string, Printer> = {
  "certificates.k8s.io/certificatesigningrequests": {
    columns: [NAME, AGE, col("SignerName", SIGNER_NAME_DOC), col("Requestor", REQUEST_DOC), col("RequestedDuration", EXPIRATION_DOC), col("Condition", CONDITIONS_DOC)],
    cells: (o, now) => [
      o.metadata.name,
      age(o, now),
      o.spec?.signerName || "<none>",
      o.spec?.username ?? "",
      typeof o.spec?.expirationSeconds === "number" ? humanDuration(o.spec.expirationSeconds * 1000) : "<none>",
      csrCondition(o),
    ],
  },
  "storage.k8s.io/storageclasses": {
    columns: [
      NAME,
      col("Provisioner", "provisioner indicates the type of the provisioner."),
      col("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete."),
      col("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature."),
      col("AllowVolumeExpansion", "allowVolumeExpansion shows whether the storage class allow volume expand."),
      AGE,
    ],
    cells: (o, now) => [
      isDefaultClass(o) ? `${o.metadata.name} (default)` : o.metadata.name,
      o.provisioner ?? "",
      o.reclaimPolicy ?? "Delete",
      o.volumeBindingMode ?? "Immediate",
      o.allowVolumeExpansion === true,
      age(o, now),
    ],
  },
  "scheduling.k8s.io/priorityclasses": {
    columns: [
      NAME,
      col("Value", "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.", "integer"),
      col("Global-Default", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.", "boolean"),
      AGE,
      col("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset."),
    ],
    cells: (o, now) => [o.metadata.name, o.value ?? 0, o.globalDefault === true, age(o, now), o.preemptionPolicy ?? ""],
  },
};
