/**
 * `podfn list`'s output for a functions folder, run in-process (exit 0 asserted): what the list
 * tests read their columns from.
 */
import assert from "node:assert/strict";
import { listCommand } from "../../runtime/commands/list.js";

/** The stdout of `podfn list [argv] --functions <functions>`. */
export async function listOutput(functions: string, ...argv: string[]): Promise<string> {
  let stdout = "";
  const code = await listCommand.run({ argv: [...argv, "--functions", functions], env: {}, cwd: functions, stdout: (t) => void (stdout += t), stderr: () => {}, signal: new AbortController().signal });
  assert.equal(code, 0);
  return stdout;
}
