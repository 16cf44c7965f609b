/**
 * @module admin-kubeconfig
 * Where a local emulated cluster's admin kubeconfig is written, without pulling it from under
 * another one: `DIR/admin.kubeconfig` belongs to the process named in `DIR/admin.kubeconfig.pid`
 * while that process lives. A second long-lived process (`podfn serve` while `podfn cluster`
 * runs) writes `DIR/admin-<pid>.kubeconfig` instead, so the README's
 * `KUBECONFIG=.podfn/cluster/admin.kubeconfig kubectl ...` keeps reaching the first cluster.
 */
// `fs.promises` is read where used: node:fs/promises (~0.9 ms) loads only in a process that needs it.
import { promises as fs } from "node:fs";
import { join } from "node:path";

/** The written kubeconfig: its path, and `release()` to give the shared name up on exit. */
export interface AdminKubeconfig {
  path: string;
  release(): Promise<void>;
}

/** Whether process `pid` is running (signal 0 tests without sending; EPERM means it runs as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Write `kubeconfig` into `dir`: as `admin.kubeconfig` unless a living other process holds that
 * name, else as `admin-<pid>.kubeconfig`.
 *
 * @example
 * const admin = await writeAdminKubeconfig(".podfn/cluster", cluster.kubeconfig());
 * logger.info(`KUBECONFIG=${admin.path} kubectl get pods`);
 * await admin.release(); // on stop
 */
export async function writeAdminKubeconfig(dir: string, kubeconfig: string): Promise<AdminKubeconfig> {
  await fs.mkdir(dir, { recursive: true });
  const shared = join(dir, "admin.kubeconfig");
  const owner = join(dir, "admin.kubeconfig.pid");
  const holder = Number.parseInt(await fs.readFile(owner, "utf8").catch(() => ""), 10);
  if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
    const own = join(dir, `admin-${process.pid}.kubeconfig`);
    await fs.writeFile(own, kubeconfig, { mode: 0o600 });
    return { path: own, release: () => fs.rm(own, { force: true }) };
  }
  await fs.writeFile(shared, kubeconfig, { mode: 0o600 });
  await fs.writeFile(owner, `${process.pid}\n`);
  return {
    path: shared,
    async release() {
      // Only while it is still ours: a later process may have taken the name over.
      if (Number.parseInt(await fs.readFile(owner, "utf8").catch(() => ""), 10) === process.pid) await fs.rm(owner, { force: true });
    },
  };
}
