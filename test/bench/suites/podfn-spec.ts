/**
 * @module bench/suites/podfn-spec
 * `podfn serve` for a suite, or why it cannot run (no build, no cluster): suites report the
 * reason in place of the figure. It starts as in a pod (a ServiceAccount folder and
 * `KUBERNETES_SERVICE_HOST`/`_PORT` pointing at the run's cluster: no kubeconfig to parse), as
 * `podfn run` does in the run-once suite; `credentials: "kubeconfig"` starts it as on a laptop.
 */
import type { ServerSpec } from "../lib/children.js";
import { podfnServe, type PodfnCredentials, type PodfnServeOptions } from "../lib/servers.js";
import type { SuiteContext } from "../lib/suite.js";

/** The server spec, or `{ note }` saying why there is none. */
export async function podfnServer(ctx: SuiteContext, name: string, options: Omit<PodfnServeOptions, "credentials"> & { credentials?: "pod" | "kubeconfig" }): Promise<{ spec?: ServerSpec; note?: string }> {
  let credentials: PodfnCredentials;
  try {
    const cluster = await ctx.cluster();
    if (options.credentials === "kubeconfig") credentials = { kubeconfig: cluster.kubeconfigPath };
    else {
      const pod = await cluster.inClusterIdentity("default", "podfn-bench");
      credentials = { serviceAccountDir: pod.dir, env: pod.env };
    }
  } catch (error) {
    return { note: `no emulated cluster: ${(error as Error).message.split("\n")[0]}` };
  }
  const spec = podfnServe(ctx.ws, name, { ...options, credentials });
  return spec ? { spec } : { note: "production build missing (npm run build failed)" };
}
