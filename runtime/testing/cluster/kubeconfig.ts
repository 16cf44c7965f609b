/**
 * @module cluster/kubeconfig
 * A kubeconfig (YAML) for the emulated cluster: one cluster with the CA inlined, one user with
 * a bearer token, one current context with an optional namespace.
 */
import { stringify } from "yaml";

/** What a kubeconfig needs. */
export interface KubeconfigInput {
  server: string;
  caPem: string;
  token: string;
  /** Namespace of the context. Default: none (kubectl then uses `default`). */
  namespace?: string;
  /** User entry name. Default: `admin`. */
  user?: string;
}

/**
 * Renders a kubeconfig.
 *
 * @example
 * writeFileSync("admin.kubeconfig", kubeconfigYaml({ server: url, caPem, token }));
 */
export function kubeconfigYaml(input: KubeconfigInput): string {
  const user = input.user ?? "admin";
  const context: Record<string, string> = { cluster: "podfn", user };
  if (input.namespace) context.namespace = input.namespace;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "podfn", cluster: { server: input.server, "certificate-authority-data": Buffer.from(input.caPem).toString("base64") } }],
    users: [{ name: user, user: { token: input.token } }],
    contexts: [{ name: "podfn", context }],
    "current-context": "podfn",
    preferences: {},
  });
}
