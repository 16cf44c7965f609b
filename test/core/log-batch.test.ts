import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

// Lines to a file descriptor are batched (runtime/log.ts): a process that has nothing else to do
// must not be kept alive by the batch's flush timer, and its last lines must still be written.

const LOG = fileURLToPath(new URL("../../runtime/log.ts", import.meta.url));
const SCRIPT = `
import { createLogger } from ${JSON.stringify(LOG)};
const log = createLogger({ destination: 1 });
for (let i = 0; i < 5; i++) log.info({ i }, "line");
process.stderr.write(JSON.stringify(process.getActiveResourcesInfo()));
`;

test("a batch waiting for its flush timer keeps no process alive, and its lines are written at exit", async () => {
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", SCRIPT], { timeout: 30_000 }, (error, out, err) => (error ? reject(error) : resolve({ stdout: out, stderr: err })));
  });
  const lines = stdout.trim().split("\n").map((line) => JSON.parse(line) as { i: number; msg: string });
  assert.deepEqual(lines.map((l) => l.i), [0, 1, 2, 3, 4]);
  // An unref'd timer is not an active resource: the event loop may end while lines wait.
  assert.ok(!(JSON.parse(stderr) as string[]).includes("Timeout"), stderr);
});
