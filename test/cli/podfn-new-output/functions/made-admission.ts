/**
 * @module made-admission
 * A validating admission webhook: refuses a Deployment created or updated without an `owner`
 * label, in the namespaces labelled `example.com/require-owner=true`. Served by `podfn serve`
 * on the webhook port; `podfn manifests` writes its configuration and certificate (cert-manager).
 * `failurePolicy: "Ignore"`: while podfn is down, Deployments go through unchecked.
 */
import { defineFunction } from "podfn";

export default defineFunction({
  name: "made-admission",
  description: "Refuse Deployments without an owner label",
  admission: {
    type: "validating",
    rules: [{ operations: ["CREATE", "UPDATE"], resource: "deployments.apps" }],
    namespaceSelector: { matchLabels: { "example.com/require-owner": "true" } },
    failurePolicy: "Ignore",
    timeoutSeconds: 5,
  },
  handler({ trigger }) {
    const deployment = trigger.request.object;
    if (deployment?.metadata?.labels?.owner) return { allowed: true };
    return { allowed: false, message: "a Deployment needs an owner label: the team to ask about it" };
  },
});
