import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

// Lines to a file descriptor are batched (runtime/log.ts); the lines still gathered when the
// process exits must be written before it is gone, not handed to an asynchronous write that
// the exit cuts short.

const LOG = fileURLToPath(new URL("../../runtime/log.ts", import.meta.url));
const script = (exit: string) => `
import { createLogger } from ${JSON.stringify(LOG)};
const log = createLogger({ destination: 1 });
for (let i = 0; i < 50; i++) log.info({ i }, "line");
${exit}
`;

function run(exit: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script(exit)], { timeout: 30_000 }, (error, stdout) => {
      if (error && (error as { code?: unknown }).code !== 3) reject(error);
      else resolve(stdout);
    });
  });
}

for (const [how, exit] of [
  ["process.exit()", "process.exit(3);"],
  ["the event loop running dry", ""],
] as const) {
  test(`every line logged before ${how} is written`, async () => {
    // Several processes: a lost asynchronous write is a race, so one run could pass by luck.
    for (let round = 0; round < 4; round++) {
      const lines = (await run(exit)).trim().split("\n").map((line) => (JSON.parse(line) as { i: number }).i);
      assert.deepEqual(lines, Array.from({ length: 50 }, (_, i) => i), `round ${round}`);
    }
  });
}
