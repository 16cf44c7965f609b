/**
 * @module make-directory
 * `mkdir -p` that always settles. Node 20's `mkdir(path, { recursive: true })` spins forever
 * (sync and async) when a parent exists but cannot hold the child: a path under `/proc` or
 * `/sys`, a dangling symlink — procfs answers ENOENT, Node creates the parent (EEXIST) and
 * tries again, without end. Here each level is made once: a child still ENOENT after its parent
 * exists is that ENOENT, thrown.
 */
import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Creates `path` and any missing parents (`mode` for each created); an existing directory is
 * fine. Throws the filesystem's error (ENOENT, EACCES, ENOTDIR, EEXIST for a file) otherwise.
 *
 * @example
 * await makeDirectory(".podfn/secrets", 0o700);
 */
export async function makeDirectory(path: string, mode?: number): Promise<void> {
  try {
    await mkdir(path, { mode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      if ((await stat(path)).isDirectory()) return;
      throw error;
    }
    const parent = dirname(path);
    if (code !== "ENOENT" || parent === path) throw error;
    await makeDirectory(parent, mode);
    try {
      await mkdir(path, { mode });
    } catch (again) {
      // Made by another process between the two tries: as good.
      if ((again as NodeJS.ErrnoException).code === "EEXIST" && (await stat(path)).isDirectory()) return;
      throw again;
    }
  }
}

/**
 * Why a folder could not be made or written, in words (`a file is in the way of the folder:
 * /x/out`): what `makeDirectory` and the writes after it throw, for a message naming the option.
 *
 * @example
 * throw new ConfigError(`--out ${out}: cannot write the manifests there (${folderFailure(error)})`);
 */
export function folderFailure(error: unknown): string {
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
  const what = code === "EEXIST" || code === "ENOTDIR" ? "a file is in the way of the folder" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EROFS" ? "read-only file system" : code === "ENOENT" ? "a folder cannot be made there" : (code ?? String(error));
  return path ? `${what}: ${path}` : what;
}
