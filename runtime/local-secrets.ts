/**
 * @module local-secrets
 * For local runs on the emulated cluster only: the caller-auth secrets the functions reference
 * are created in a private folder with random values (never overwriting one that exists), so
 * `npm start` works on a fresh clone and the user can `cat` a token to call a function.
 * In a cluster, secrets come from Kubernetes Secrets mounted by the generated manifests.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { makeDirectory } from "./make-directory.js";
import { join } from "node:path";
import type { LoadedFunction } from "./function.js";
import { referencedSecrets } from "./requirements.js";

/** Creates each missing secret file in `dir` (mode 0600) with a random value; returns the names created. */
export async function createLocalSecrets(functions: readonly LoadedFunction[], dir: string): Promise<string[]> {
  await makeDirectory(dir, 0o700);
  const created: string[] = [];
  for (const name of referencedSecrets(functions)) {
    try {
      await writeFile(join(dir, name), randomBytes(24).toString("base64url"), { flag: "wx", mode: 0o600 });
      created.push(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return created;
}
