/**
 * @module cluster/crd-schema
 * What a 1.32 API server does to a custom resource with its CRD version's
 * `schema.openAPIV3Schema`, as pure functions on the object (plain JSON), in the order the
 * server applies them on create, update and patch:
 * 1. `pruneUnknown` (`crd-schema-prune`): unknown fields dropped, their paths returned for the
 *    `unknown field "spec.x"` warnings (or Strict's error); also on reading stored objects.
 * 2. `applyDefaults` (`crd-schema-default`): the schema's `default`s; also on reading.
 * 3. `schemaErrors` (`crd-schema-validate`, `crd-schema-junctors`, `crd-schema-listtype`): the
 *    OpenAPI schema's (allOf/anyOf/oneOf/not included) and list-type uniqueness errors, for the
 *    422; on an update, ratcheted (a value left as it was keeps its errors out).
 * 4. The CEL rules (`x-kubernetes-validations`) run last: `crd-cel`, through the type's
 *    `validateLast` (resources.ts), as they see the other checks' errors.
 * Sources: kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver (pkg/apiserver/schema,
 * pkg/apiserver/validation) and kubernetes/kube-openapi pkg/validation; see each module.
 */
export type { CrdSchema } from "./crd-schema-node.js";
export { pruneUnknown } from "./crd-schema-prune.js";
export { applyDefaults } from "./crd-schema-default.js";
export { schemaErrors, type SchemaFieldError } from "./crd-schema-validate.js";
