/**
 * @module github-webhook
 * Redeploys on `git push`: a GitHub webhook whose `push` to the configured branch restarts
 * the configured Deployment (as `kubectl rollout restart` does), so pods pull a moving image
 * tag again. Answers GitHub's `ping` with `{pong: true, zen}`; ignores other events, other
 * branches and branch deletions with `202 {ignored: true, reason}`.
 *
 * Caller authentication: GitHub signs the raw body with the webhook secret; the signature
 * (`X-Hub-Signature-256: sha256=<hex>`) is checked before the handler runs.
 *
 * Input: GitHub's event payload (JSON body; `ping` and `push` fields are read). The event
 * name comes from the `X-GitHub-Event` header.
 *
 * Configuration (environment, read once at start):
 * - `GITHUB_DEPLOYMENT`: the Deployment to restart, in the function's namespace. Required
 *   for pushes; the permission below names it, so set it alike where `podfn manifests` runs.
 * - `GITHUB_BRANCH`: Default `main`.
 *
 * Permissions: patch the Deployment `$GITHUB_DEPLOYMENT` (none when unset).
 * Secrets: `github-webhook-secret` (the webhook's "Secret" in GitHub's settings).
 *
 * Set it up: GitHub → Settings → Webhooks → Add webhook, Payload URL
 * `https://<your ingress>/github-webhook`, Content type `application/json`, Secret = the
 * content of `github-webhook-secret`, events: "Just the push event".
 */
import { z } from "zod";
import { defineFunction, reply, HttpError } from "podfn";

const deployment = process.env.GITHUB_DEPLOYMENT?.trim() || undefined;
const branch = process.env.GITHUB_BRANCH?.trim() || "main";

export default defineFunction({
  name: "github-webhook",
  description: "Restart a Deployment on a push to a branch (GitHub webhook)",
  // Copied into the pod by `podfn manifests`: the permission's resourceNames is the first.
  env: ["GITHUB_DEPLOYMENT", "GITHUB_BRANCH"],
  permissions: deployment ? [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"], resourceNames: [deployment] }] : [],
  http: { method: "POST", auth: { type: "hmac", secret: "github-webhook-secret", header: "x-hub-signature-256" } },
  input: z.looseObject({
    zen: z.string().optional(),
    ref: z.string().optional(),
    after: z.string().optional(),
    deleted: z.boolean().optional(),
    repository: z.looseObject({ full_name: z.string() }).optional(),
  }),
  async handler({ input, kube, namespace, trigger, log }) {
    const event = trigger.type === "http" ? trigger.headers.get("x-github-event") : null;
    if (!event) throw new HttpError(400, "missing_event", "the X-GitHub-Event header is missing");
    if (event === "ping") return { pong: true, zen: input.zen ?? null };
    if (event !== "push") return reply(202, { ignored: true, reason: `event "${event}" is not handled` });
    if (input.ref !== `refs/heads/${branch}`) return reply(202, { ignored: true, reason: `${input.ref ?? "no ref"} is not refs/heads/${branch}` });
    if (input.deleted) return reply(202, { ignored: true, reason: `branch ${branch} was deleted` });
    if (!deployment) throw new HttpError(500, "not_configured", "GITHUB_DEPLOYMENT is not set: no Deployment to restart");
    await kube.restartDeployment(deployment);
    log.info({ deployment, commit: input.after, repository: input.repository?.full_name }, "restarted deployment after push");
    return { restarted: deployment, namespace, ref: input.ref, commit: input.after ?? null };
  },
});
