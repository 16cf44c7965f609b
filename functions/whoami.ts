/**
 * @module whoami
 * Who this function runs as, in which namespace, and whether it may do what you ask.
 * The first thing to call after a deploy: it shows the ServiceAccount the pod really got and
 * answers "can I?" for each permission you list, as `kubectl auth can-i` would for that account.
 *
 * Input (query string):
 * - `check`: optional, comma-separated (or repeated) `VERB RESOURCE` pairs, the resource written as
 *   `kubectl auth can-i` does: `pods`, `deployments.apps`, `deployments.apps/scale`, `jobs.batch`.
 * - `namespace`: optional, where the checks apply. Default: the function's namespace.
 *
 * Permissions: none. SelfSubjectReview and SelfSubjectAccessReview are open to every
 * authenticated identity; `kubeApi: true` says it calls the API anyway, so its pod gets a token.
 * Secrets: `api-token` (callers send `Authorization: Bearer <token>`).
 *
 * Call it:
 *   curl -H "Authorization: Bearer $(cat api-token)" \
 *     'localhost:8080/whoami?check=list%20pods,patch%20deployments.apps/scale'
 */
import { z } from "zod";
import { defineFunction } from "podfn";

/** One "can I?" question, parsed from `VERB RESOURCE[.GROUP][/SUBRESOURCE]`. */
interface Check {
  verb: string;
  resource: string;
  group: string;
  subresource?: string;
}

const CHECK = /^([a-z*]+)\s+([a-z0-9*-]+)((?:\.[a-z0-9-]+)*)(?:\/([a-z0-9-]+))?$/;

/** Parses `list pods, patch deployments.apps/scale` into checks; reports the first bad entry. */
const checks = z
  .string()
  .max(2000)
  .transform((text, ctx) => {
    const parsed: Check[] = [];
    for (const entry of text.split(",").map((e) => e.trim()).filter(Boolean)) {
      const match = CHECK.exec(entry);
      if (!match) {
        ctx.addIssue({ code: "custom", message: `"${entry}" must read VERB RESOURCE, e.g. "list pods" or "patch deployments.apps/scale"` });
        return z.NEVER;
      }
      const [, verb, resource, group, subresource] = match;
      parsed.push({ verb: verb!, resource: resource!, group: group ? group.slice(1) : "", ...(subresource ? { subresource } : {}) });
    }
    return parsed;
  });

export default defineFunction({
  name: "whoami",
  description: "Who this function runs as, its namespace, and whether it may do what you ask",
  http: { method: "GET", auth: { type: "bearer", secret: "api-token" } },
  kubeApi: true,
  input: z.object({
    check: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v.join(",") : v))
      .pipe(checks)
      .default([]),
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a namespace name").optional(),
  }),
  async handler({ input, kube, namespace }) {
    const user = await kube.whoami();
    const where = input.namespace ?? namespace;
    const answers = await Promise.all(
      input.check.map(async (check) => {
        const decision = await kube.canI({ ...check, namespace: where });
        return { ...check, namespace: where, allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
      }),
    );
    return { username: user.username, groups: user.groups, namespace, checks: answers };
  },
});
