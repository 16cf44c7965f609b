/**
 * @module require-owner-label
 * An admission webhook: refuses a Deployment created or updated without an `owner` label (the
 * team to ask about it), in the namespaces that opt in with the label
 * `podfn.dev/require-owner=true`, and warns (without refusing) when the Deployment's pod
 * template lacks one, so its pods, which are what `kubectl top` and cost reports show, cannot be
 * traced either. An object being deleted (its finalizers going) is let through: refusing it would
 * hold its deletion up.
 *
 * Trigger: a validating admission webhook on `deployments.apps` (CREATE and UPDATE), served by
 * the HTTP Deployment on its webhook port. `failurePolicy: "Ignore"`: while podfn is down
 * (a rollout of its own, a node lost) Deployments go through unchecked rather than every
 * rollout of the opted-in namespaces being refused; a policy that must hold says "Fail". No
 * permissions: it reads only the review.
 *
 * Try it: it needs a real cluster with cert-manager (`podfn manifests` writes the webhook
 * configuration and its certificate; the emulated cluster calls no webhooks), then
 *   kubectl label namespace apps podfn.dev/require-owner=true
 *   kubectl -n apps create deployment web --image=nginx
 *   # error: ... admission webhook "require-owner-label.podfn.default.podfn.dev" denied the request: ...
 * Its test posts reviews to it: test/functions/require-owner-label.test.ts.
 */
import { defineFunction } from "podfn";

/** The label every Deployment of an opted-in namespace must carry. */
export const OWNER = "owner";
/** The namespace label that opts a namespace in. */
export const OPT_IN = "podfn.dev/require-owner";

export default defineFunction({
  name: "require-owner-label",
  description: "Refuse Deployments without an owner label (namespaces labelled podfn.dev/require-owner=true)",
  admission: {
    type: "validating",
    rules: [{ operations: ["CREATE", "UPDATE"], resource: "deployments.apps" }],
    namespaceSelector: { matchLabels: { [OPT_IN]: "true" } },
    failurePolicy: "Ignore",
    timeoutSeconds: 5,
  },
  handler({ trigger, log }) {
    const deployment = trigger.request.object;
    if (!deployment || deployment.metadata?.deletionTimestamp) return { allowed: true };
    const name = deployment.metadata?.name ?? deployment.metadata?.generateName ?? "";
    const owner = deployment.metadata?.labels?.[OWNER];
    if (!owner) {
      log.info({ deployment: name, namespace: trigger.request.namespace, user: trigger.request.userInfo.username }, "refused a Deployment without an owner label");
      return { allowed: false, code: 403, message: `Deployment ${name} has no "${OWNER}" label: add one naming the team that runs it (metadata.labels.${OWNER}, e.g. kubectl label deployment ${name || "NAME"} ${OWNER}=payments)` };
    }
    const warnings = deployment.spec?.template?.metadata?.labels?.[OWNER] ? [] : [`the pod template of Deployment ${name} has no "${OWNER}" label: its pods cannot be traced to ${owner}`];
    return { allowed: true, warnings };
  },
});
