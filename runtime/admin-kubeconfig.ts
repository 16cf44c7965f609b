/**
 * @module admin-kubeconfig
 * Where a local emulated cluster's admin kubeconfig (and CA) are written, without pulling them
 * from under another one: `DIR/admin.kubeconfig` belongs to the cluster it names while that
 * cluster answers. A second long-lived process (`podfn serve` while `podfn cluster` runs)
 * writes `DIR/admin-<pid>.kubeconfig` (and `DIR/ca-<pid>.crt`) instead, so
 * `KUBECONFIG=.podfn/cluster/admin.kubeconfig kubectl ...` keeps reaching the first cluster. A
 * file left by a process that died, however it died, names a server that no longer answers,
 * and is simply replaced.
 */
// `fs.promises` is read where used: node:fs/promises (~0.9 ms) loads only in a process that needs it.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "./errors.js";
import { folderFailure, makeDirectory } from "./make-directory.js";

/** The files written: their paths, and `release()` to remove the ones named for this process. */
export interface LocalClusterFiles {
  kubeconfig: string;
  /** Where the CA was written, when one was given. */
  ca?: string;
  release(): Promise<void>;
}

/** Whether something accepts TCP connections at `server` (an `https://host:port` URL), within a second. */
async function answers(server: string): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return false;
  }
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 443), timeout: 1000 });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/** The `server:` of a kubeconfig this module wrote (one cluster), if the file is there. */
async function serverOf(path: string): Promise<string | undefined> {
  const text = await fs.readFile(path, "utf8").catch(() => "");
  return /^\s*server:\s*"?([^"\s]+)"?\s*$/m.exec(text)?.[1];
}

/**
 * Write `kubeconfig` (and `caPem`) into `dir`: as `admin.kubeconfig` (`ca.crt`) unless the
 * cluster the existing `admin.kubeconfig` names still answers, else as
 * `admin-<pid>.kubeconfig` (`ca-<pid>.crt`).
 *
 * @example
 * const files = await writeLocalClusterFiles(".podfn/cluster", { kubeconfig: cluster.kubeconfig(), server: cluster.url });
 * logger.info(`KUBECONFIG=${files.kubeconfig} kubectl get pods`);
 * await files.release(); // on stop
 */
export async function writeLocalClusterFiles(dir: string, contents: { kubeconfig: string; caPem?: string; server: string }): Promise<LocalClusterFiles> {
  const shared = join(dir, "admin.kubeconfig");
  const other = await serverOf(shared);
  // A file naming this cluster's own address (a restart on the same port) is a dead one's: this cluster answers there now.
  const taken = other !== undefined && other !== contents.server && (await answers(other));
  const kubeconfig = taken ? join(dir, `admin-${process.pid}.kubeconfig`) : shared;
  const ca = contents.caPem === undefined ? undefined : join(dir, taken ? `ca-${process.pid}.crt` : "ca.crt");
  try {
    await makeDirectory(dir);
    await fs.writeFile(kubeconfig, contents.kubeconfig, { mode: 0o600 });
    // The mode applies only to a file created: one left readable by others keeps its mode, and now a live admin token.
    await fs.chmod(kubeconfig, 0o600);
    if (ca !== undefined) await fs.writeFile(ca, contents.caPem!);
  } catch (error) {
    // The user's to fix (exit 2): said as the option that chose the folder.
    throw new ConfigError(`--state-dir ${dir}: cannot write the emulated cluster's admin kubeconfig there (${folderFailure(error)})`, { cause: error });
  }
  return {
    kubeconfig,
    ...(ca !== undefined ? { ca } : {}),
    async release() {
      // The shared names stay (as they always have); files named for this process go with it.
      if (!taken) return;
      await fs.rm(kubeconfig, { force: true });
      if (ca !== undefined) await fs.rm(ca, { force: true });
    },
  };
}
