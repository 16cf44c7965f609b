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
