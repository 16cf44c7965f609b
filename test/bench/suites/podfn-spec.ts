/**
 * @module bench/suites/podfn-spec
 * `podfn serve` for a suite, or why it cannot run (no build, no cluster): suites report the
 * reason in place of the figure.
 */
import type { ServerSpec } from "../lib/children.js";
import { podfnServe, type PodfnServeOptions } from "../lib/servers.js";
import type { SuiteContext } from "../lib/suite.js";

/** The server spec, or `{ note }` saying why there is none. */
export async function podfnServer(ctx: SuiteContext, name: string, options: Omit<PodfnServeOptions, "kubeconfig">): Promise<{ spec?: ServerSpec; note?: string }> {
  let kubeconfig: string;
  try {
    kubeconfig = (await ctx.cluster()).kubeconfigPath;
  } catch (error) {
    return { note: `no emulated cluster: ${(error as Error).message.split("\n")[0]}` };
  }
  const spec = podfnServe(ctx.ws, name, { ...options, kubeconfig });
  return spec ? { spec } : { note: "production build missing (npm run build failed)" };
}
