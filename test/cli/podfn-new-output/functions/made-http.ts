/**
 * @module made-http
 * An HTTP route: POST /made-http with {"prefix": "web-"} answers the pods of the function's
 * namespace whose names start with the prefix, counted by phase.
 *
 * Callers send the token of the Secret `made-http-token` (locally .podfn/secrets/made-http-token,
 * made by `npm start`): curl -H "Authorization: Bearer $(cat .podfn/secrets/made-http-token)" \
 *   -H 'content-type: application/json' -d '{"prefix": "web-"}' localhost:8080/made-http
 */
import { z } from "zod";
import { defineFunction } from "podfn";

export default defineFunction({
  name: "made-http",
  description: "Count the pods of the namespace by phase",
  permissions: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
  http: { method: "POST", auth: { type: "bearer", secret: "made-http-token" } },
  // Strict: a misspelt field is a 400 naming it.
  input: z.strictObject({ prefix: z.string().max(253).default("") }),
  async handler({ input, kube, namespace }) {
    const phases: Record<string, number> = {};
    for await (const pod of kube.pods.list()) {
      if (!pod.metadata?.name?.startsWith(input.prefix)) continue;
      const phase = pod.status?.phase ?? "Unknown";
      phases[phase] = (phases[phase] ?? 0) + 1;
    }
    return { namespace, phases };
  },
});
