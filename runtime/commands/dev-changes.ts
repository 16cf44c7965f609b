/**
 * @module commands/dev-changes
 * What `podfn dev` watches: the changes under the functions folder, counted and debounced, with
 * one recursive watcher for the session, made again after changes settle (a file saved by
 * renaming a copy over it) and once the folder is back when it was removed (a watcher on Linux
 * goes silent then, or fails reading the folder that went).
 */
import { existsSync, watch, type FSWatcher } from "node:fs";
import type { Logger } from "../log.js";

/** Watches a folder recursively, calling `listener` on each change (fs.watch's shape). */
export type WatchFolder = (folder: string, listener: () => void) => FSWatcher;

/** How often a removed functions folder is looked for, in ms. */
const FOLDER_POLL_MS = 500;
/** Quiet period after the last change before reloading, in ms. */
const RELOAD_DEBOUNCE_MS = 150;

/**
 * The changes under the functions folder, watched by one watcher for the whole session: a change
 * made while a reload is loading, draining or restarting is counted, and the next wait returns
 * at once for it (a watcher closed between waits missed it: the old code kept serving).
 */
export class FolderChanges {
  /** Changes seen so far; a reload takes note of it before it loads. */
  count = 0;
  #timer: NodeJS.Timeout | undefined;
  #quiet = true;
  #wake: (() => void) | undefined;
  #watcher: FSWatcher | undefined;
  #waitingForFolder: NodeJS.Timeout | undefined;
  readonly #dir: string;
  readonly #logger: Logger;

  readonly #watchFolder: WatchFolder;

  /** `watchFolder`: how to watch the folder, recursively (tests give their own). Default: `fs.watch`. */
  constructor(dir: string, logger: Logger, watchFolder: WatchFolder = (folder, listener) => watch(folder, { recursive: true }, listener)) {
    this.#dir = dir;
    this.#logger = logger;
    this.#watchFolder = watchFolder;
    this.#watch();
  }

  #watch(): void {
    try {
      this.#watcher = this.#watchFolder(this.#dir, () => this.#changed());
      this.#watcher.on("error", (error) => this.#failed(error));
    } catch (error) {
      this.#failed(error);
    }
  }

  #changed(): void {
    this.count++;
    this.#quiet = false;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#quiet = true;
      this.#rewatch();
      this.#wake?.();
    }, RELOAD_DEBOUNCE_MS);
  }

  /**
   * A new watcher once changes settle: Node 20's recursive watcher on Linux watches each file's
   * inode, so a file saved by writing a copy and renaming it over the original (editors' safe
   * write, `sed -i`) would be silent from then on.
   */
  #rewatch(): void {
    if (this.#waitingForFolder || !this.#watcher) return;
    // A folder that is gone is watched again once it is back (even if it is back before the reload looks).
    if (!existsSync(this.#dir)) return this.watchWhenBack();
    this.#watcher.close();
    this.#watch();
  }

  #failed(error: unknown): void {
    // A folder removed while Node's recursive watcher was reading it (its scandir's ENOENT, on
    // Linux): the folder is watched again once it is there, as when the watcher goes silent.
    if ((error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") return this.watchWhenBack();
    // The watch limit was hit, or another failure: serve what runs until a restart.
    this.#logger.error({ err: error, dir: this.#dir }, "cannot watch the functions folder any more: the running version stays; restart podfn dev");
    this.#watcher?.close();
  }

  /**
   * The folder is gone (a watcher on Linux says nothing when its root is removed): watch it again
   * once it is back, and count that as a change.
   */
  watchWhenBack(): void {
    if (this.#waitingForFolder) return;
    this.#watcher?.close();
    this.#waitingForFolder = setInterval(() => {
      if (!existsSync(this.#dir)) return;
      clearInterval(this.#waitingForFolder);
      this.#waitingForFolder = undefined;
      this.#watch();
      this.#changed();
    }, FOLDER_POLL_MS);
  }

  /** Resolves once changes after the `since`-th have settled (debounced), or when `signal` aborts. */
  after(since: number, signal: AbortSignal): Promise<void> {
    return new Promise((done) => {
      const check = (): void => {
        if (signal.aborted || (this.count > since && this.#quiet)) finish();
      };
      const finish = (): void => {
        this.#wake = undefined;
        signal.removeEventListener("abort", finish);
        done();
      };
      this.#wake = check;
      signal.addEventListener("abort", finish, { once: true });
      check();
    });
  }

  close(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#waitingForFolder);
    this.#watcher?.close();
  }
}
