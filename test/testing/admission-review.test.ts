/**
 * `podfn/testing`'s `admissionReview()`: without a function's rule to take it from, the
 * request's `resource` is the kind's resource as the API server names it (the plural of a URL
 * path: `networkpolicies`, `endpoints`), not the kind lowercased with an `s`; the operation
 * follows the objects given (UPDATE with both, DELETE with the old one alone).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { admissionReview } from "../../runtime/testing/index.js";

const resourceOf = (apiVersion: string, kind: string) => admissionReview({ object: { apiVersion, kind, metadata: { name: "x" } } }).request!.resource;

test("a built-in kind's resource is the one 1.32 serves", () => {
  assert.deepEqual(resourceOf("v1", "Pod"), { group: "", version: "v1", resource: "pods" });
  assert.deepEqual(resourceOf("networking.k8s.io/v1", "NetworkPolicy"), { group: "networking.k8s.io", version: "v1", resource: "networkpolicies" });
  assert.deepEqual(resourceOf("v1", "Endpoints"), { group: "", version: "v1", resource: "endpoints" });
  assert.deepEqual(resourceOf("networking.k8s.io/v1", "Ingress"), { group: "networking.k8s.io", version: "v1", resource: "ingresses" });
  assert.deepEqual(resourceOf("autoscaling/v2", "HorizontalPodAutoscaler"), { group: "autoscaling", version: "v2", resource: "horizontalpodautoscalers" });
});

test("another kind's resource is apimachinery's guess (UnsafeGuessKindToResource)", () => {
  assert.equal(resourceOf("example.com/v1", "Gadget").resource, "gadgets");
  assert.equal(resourceOf("example.com/v1", "Policy").resource, "policies");
  assert.equal(resourceOf("example.com/v1", "Class").resource, "classes");
});

test("a resource given is kept", () => {
  const review = admissionReview({ object: { apiVersion: "example.com/v1", kind: "Mouse", metadata: { name: "m" } }, resource: { group: "example.com", version: "v1", resource: "mice" } });
  assert.equal(review.request!.resource.resource, "mice");
});

test("the operation follows the objects given: CREATE with an object, UPDATE with both, DELETE with only the old one (object null or left out)", () => {
  const object = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } };
  assert.equal(admissionReview({ object }).request!.operation, "CREATE");
  assert.equal(admissionReview({ object, oldObject: object }).request!.operation, "UPDATE");
  assert.equal(admissionReview({ oldObject: object }).request!.operation, "DELETE");
  assert.equal(admissionReview({ object: null, oldObject: object }).request!.operation, "DELETE");
  assert.equal(admissionReview({ operation: "CREATE", object, oldObject: object }).request!.operation, "CREATE");
});

test("requestKind and requestResource are sent as 1.32 always sends them: what the request was made for, the kind and resource when nothing was converted", () => {
  const review = admissionReview({ object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } } }).request!;
  assert.deepEqual(review.requestKind, { group: "apps", version: "v1", kind: "Deployment" });
  assert.deepEqual(review.requestResource, { group: "apps", version: "v1", resource: "deployments" });
  assert.equal(review.requestSubResource, undefined);
  const scale = admissionReview({ object: { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "web" } }, resource: { group: "apps", version: "v1", resource: "deployments" }, subResource: "scale" }).request!;
  assert.deepEqual(scale.requestResource, { group: "apps", version: "v1", resource: "deployments" });
  assert.equal(scale.requestSubResource, "scale");
  const converted = admissionReview({ object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } }, requestKind: { group: "apps", version: "v1beta1", kind: "Deployment" } }).request!;
  assert.deepEqual(converted.requestKind, { group: "apps", version: "v1beta1", kind: "Deployment" });
});
