/**
 * @module cluster/serviceaccount-dir
 * A pod's ServiceAccount folder, laid out as the kubelet writes it: the files live in a
 * timestamped folder `..2025_01_01_12_00_00.123456789`, `..data` is a symlink to it, and
 * `token`, `ca.crt` and `namespace` (no trailing newline) are symlinks through `..data`.
 * `swapToken` writes a new timestamped folder and replaces `..data` atomically (a temporary
 * symlink renamed over it), then removes the old folder, as the kubelet's AtomicWriter.
 */
import { mkdir, mkdtemp, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { makeDirectory } from "../../make-directory.js";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FILES = ["token", "ca.crt", "namespace"] as const;

function stamp(ms: number, seq: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `..${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}_${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}${p(seq, 6)}`;
}

let sequence = 0;

async function writePayload(dir: string, files: Record<(typeof FILES)[number], string>, now: number): Promise<string> {
  const name = stamp(now, ++sequence);
  await mkdir(join(dir, name), { mode: 0o755 });
  for (const f of FILES) await writeFile(join(dir, name, f), files[f], { mode: 0o644 });
  return name;
}

/**
 * Creates the folder (under the OS temp folder unless `dir` is given) with the three files.
 * Returns its path.
 */
export async function writeServiceAccountDir(files: { token: string; caPem: string; namespace: string }, now: number, dir?: string): Promise<string> {
  const root = dir ?? (await mkdtemp(join(tmpdir(), "podfn-sa-")));
  await makeDirectory(root);
  const payload = await writePayload(root, { token: files.token, "ca.crt": files.caPem, namespace: files.namespace }, now);
  await symlink(payload, join(root, "..data"));
  for (const f of FILES) await symlink(join("..data", f), join(root, f));
  return root;
}

/** Replaces the token (other files unchanged) by swapping `..data` atomically. */
export async function swapToken(root: string, files: { token: string; caPem: string; namespace: string }, now: number): Promise<void> {
  const previous = await readlink(join(root, "..data"));
  const payload = await writePayload(root, { token: files.token, "ca.crt": files.caPem, namespace: files.namespace }, now);
  const tmp = join(root, "..data_tmp");
  await rm(tmp, { force: true });
  await symlink(payload, tmp);
  await rename(tmp, join(root, "..data"));
  await rm(join(root, previous), { recursive: true, force: true });
}
