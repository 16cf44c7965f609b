/**
 * @module kube/watch
 * A watch as an async iterator that does not give up quietly, like a client-go reflector:
 *
 * - Without `resourceVersion`, it lists first (every page) and yields each listed object as
 *   `ADDED`, then watches from the list's resourceVersion, as informers do. With `"0"` too, the
 *   list then read at any version (the API server's cache), as a reflector's first list: a
 *   watch from "0" would bring the objects in key order, whose versions are no resume point.
 * - It sends `watch=1&allowWatchBookmarks=true&resourceVersion=RV&timeoutSeconds=N` (N: 300 to
 *   600 at random unless given; 0 leaves it to the server); when the
 *   server ends the stream (timeout, connection drop), it resumes from the last resourceVersion
 *   seen, bookmarks included. A stream that broke before its first event, or ended within a
 *   second without one (client-go's "very short watch"), is resumed after a jittered backoff (up
 *   to 30 s) that grows while streams keep coming back so; one that ran longer quietly (nothing of
 *   the type changed) is resumed at once.
 * - On 410 Gone (as the HTTP status or as an `ERROR` event) it lists again (after the backoff
 *   when the stream brought nothing else) and yields the
 *   difference with what it knows: `ADDED` for new objects, `MODIFIED` for changed ones,
 *   `DELETED` (with the last known object) for vanished ones; then watches from the new list's
 *   resourceVersion. What it knows is every object it has yielded, kept in memory (as an
 *   informer's store), or in the caller's `store` (which then outlives one watch: a watch
 *   restarted from a `resourceVersion` with it still reports what vanished meanwhile).
 * - `BOOKMARK` events only advance the resourceVersion, unless `bookmarks: true`.
 * - `onProgress` is told each resourceVersion a restart may resume from: a complete list's (never
 *   a listed item's: a list's items are not in version order, and a list cut short by a failure
 *   has not delivered the rest), and each stream event's and bookmark's.
 * - A stream that sends nothing for `stallTimeoutMs` is dropped and restarted.
 * - A continue token that expires between two pages of a list (410) makes it list once more
 *   in full, without a limit, as client-go's pager does.
 * - Once established (a list completed, or a watch request answered), it waits out an outage
 *   as a reflector does: a list or watch request that fails past the transport's retries with
 *   a connection error, 429 or 5xx (an API server restart, a control-plane upgrade), or an
 *   `ERROR` event with such a code, is retried after a jittered backoff (up to 30 s), a warning
 *   logged each time. Its waits go through the client's retry policy and end when the client
 *   is closed.
 * - It ends when the consumer breaks out, and throws the signal's reason on abort. Errors it
 *   cannot recover from are thrown, never swallowed: 401, 403 and other 4xx answers or `ERROR`
 *   events (410 aside), TLS failures, a closed client (`KubeClientClosedError`), and any failure
 *   before it is established (the first list, or the first watch from a caller-given
 *   `resourceVersion`), so that a watch that can never work says so at once.
 */
import type { KubeList, KubeObject, ResourceType, WatchEvent, WatchOptions } from "./api.js";
import type { Status } from "kubernetes-types/meta/v1.js";
import { KubeApiError, KubeClientClosedError, KubeConnectionError, KubeGoneError } from "./errors.js";
import type { ClientContext } from "./context.js";
import { callSignal, resourcePath } from "./context.js";
import { readLines } from "./lines.js";
import { linkAbort } from "../signals.js";

/** Lists one page; the watch uses the resource client's own. */
export type PageLister<T> = (options: { namespace?: string; labelSelector?: string; fieldSelector?: string; limit?: number; continue?: string; resourceVersion?: string; signal?: AbortSignal }) => Promise<KubeList<T>>;

interface RawEvent {
  type?: string;
  object?: KubeObject & { code?: number; reason?: string };
}

const keyOf = (object: KubeObject): string => `${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;

class StallError extends Error {}

/** A stream that ends sooner than this with no event is backed off from (client-go's "very short watch"). */
const VERY_SHORT_WATCH_MS = 1000;

/** A jittered delay before attempt `n` (1, 2, ...) of something that keeps failing: up to 0.5 s, doubling, at most 30 s. */
function backoffMs(n: number): number {
  return Math.random() * Math.min(30_000, 250 * 2 ** n);
}

/** Whether an error may pass by itself: the server unreachable or the connection broken, overloaded (429) or failing (5xx). */
function transient(error: unknown): boolean {
  return error instanceof KubeConnectionError || (error instanceof KubeApiError && (error.statusCode === 429 || error.statusCode >= 500));
}

/**
 * Watch `type`, yielding typed events forever (until break or abort).
 *
 * @example
 * for await (const event of watchResource(context, podsType, kube.pods.listPage, { labelSelector: "app=web" })) {
 *   console.log(event.type, event.object.metadata?.name);
 * }
 */
export async function* watchResource<T extends KubeObject>(
  context: ClientContext,
  type: ResourceType,
  listPage: PageLister<T>,
  options: WatchOptions<T> = {},
): AsyncGenerator<WatchEvent<T>, void, undefined> {
  // One signal for the watch's life, linked to the view's and the call's and unlinked when it ends.
  const watching = new AbortController();
  const unlinks = callSignal(context, options.signal).map(function link(source) {
    return linkAbort(source, watching);
  });
  try {
    yield* watchUntil(watching.signal, context, type, listPage, options);
  } finally {
    for (const unlink of unlinks) unlink();
  }
}

async function* watchUntil<T extends KubeObject>(
  signal: AbortSignal,
  context: ClientContext,
  type: ResourceType,
  listPage: PageLister<T>,
  options: WatchOptions<T>,
): AsyncGenerator<WatchEvent<T>, void, undefined> {
  const namespace = options.namespace ?? context.namespace;
  const path = resourcePath(type, namespace);
  // client-go's reflector: minWatchTimeout (5 min) times 1 to 2, so that watches started together
  // (the replicas of one Deployment) do not all come back at once. 0 asks the server's default.
  const timeoutSeconds = options.timeoutSeconds ?? Math.floor(300 * (1 + Math.random()));
  const stallMs = options.stallTimeoutMs ?? (timeoutSeconds > 0 ? Math.min(2 * timeoutSeconds * 1000, 600_000) : 600_000);
  const log = context.logger;
  const known = options.store ?? new Map<string, T>();
  const selectors = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };

  // Set once a list has completed or a watch request has been answered: from then on the
  // server is known to work for this watch, and an outage (restart, upgrade) is waited out.
  let established = false;

  /**
   * Lists every page, yielding the difference with `known`; resolves to the list's
   * resourceVersion. `from` "0": the first page at any version (the API server's cache).
   */
  async function* listOnce(from?: "0"): AsyncGenerator<WatchEvent<T>, string, undefined> {
    const seen = new Set<string>();
    let cont: string | undefined;
    let limit: number | undefined = options.limit ?? 500;
    for (;;) {
      let page: KubeList<T>;
      try {
        page = await listPage({ namespace, ...selectors, limit, continue: cont, ...(from && cont === undefined ? { resourceVersion: from } : {}), signal });
      } catch (error) {
        // The continue token expired between two pages (a slow reader): as client-go's pager
        // does, list once more in full, without a limit (objects already yielded are in
        // `known`); a failure of that list is the list's.
        if (cont === undefined || !(error instanceof KubeGoneError)) throw error;
        log.info({ path }, "kube list continue token expired; listing again in full");
        seen.clear();
        cont = undefined;
        limit = undefined;
        continue;
      }
      for (const object of page.items) {
        const key = keyOf(object);
        const before = known.get(key);
        seen.add(key);
        known.set(key, object);
        if (!before) yield { type: "ADDED", object };
        else if (before.metadata?.uid !== object.metadata?.uid) {
          // Deleted and made again under its name while the watch was behind: two objects, as
          // an unbroken watch would have shown them (a handler keyed by uid, a generation
          // count starting over, must not take the new one for an edit of the old).
          yield { type: "DELETED", object: before };
          yield { type: "ADDED", object };
        } else if (before.metadata?.resourceVersion !== object.metadata?.resourceVersion) yield { type: "MODIFIED", object };
      }
      cont = page.metadata.continue || undefined;
      if (cont) continue;
      for (const [key, object] of known) {
        if (seen.has(key)) continue;
        known.delete(key);
        yield { type: "DELETED", object };
      }
      if (page.metadata.resourceVersion) options.onProgress?.(page.metadata.resourceVersion);
      options.onList?.(known.size, page.metadata.resourceVersion ?? "");
      return page.metadata.resourceVersion ?? "";
    }
  }

  /** `listOnce`, retried with backoff through an outage once the watch is established. */
  async function* relist(from?: "0"): AsyncGenerator<WatchEvent<T>, string, undefined> {
    for (let failures = 1; ; failures++) {
      try {
        const listed = yield* listOnce(from);
        established = true;
        return listed;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (!established || !transient(error)) throw error;
        log.warn({ path, error: (error as Error).message }, "kube watch could not list; retrying");
        await context.transport.pause(backoffMs(failures), signal);
      }
    }
  }

  // "0" (any version) is listed from the server's cache, as a reflector's first list, and watched
  // from the list's version: a watch from "0" would send the current objects as ADDED in key
  // order, not version order, so a stream resumed from the last of them would replay changes
  // already seen, older states included.
  const given = options.resourceVersion;
  let resourceVersion = given && given !== "0" ? given : yield* relist(given === "0" ? "0" : undefined);
  let quietStreams = 0;
  for (;;) {
    signal?.throwIfAborted();
    const stream = new AbortController();
    const unlink = linkAbort(signal, stream);
    const streamSignal = stream.signal;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(function stalled() {
        stream.abort(new StallError());
      }, stallMs);
    };
    const disarm = (): void => clearTimeout(timer);
    let gone = false;
    let connected = false;
    let received = 0;
    let failed = false;
    const started = performance.now();
    try {
      arm();
      const query = { watch: 1, allowWatchBookmarks: true, resourceVersion, timeoutSeconds, ...selectors };
      const response = await context.transport.stream({ method: "GET", path, query, signal: streamSignal, logger: log });
      connected = true;
      established = true;
      for await (const line of readLines(response.body, arm)) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as RawEvent;
        const object = event.object ?? {};
        // An ERROR event is not progress: a stream that only brings one is resumed after the backoff.
        if (event.type !== "ERROR") received++;
        else {
          const code = object.code ?? 500;
          if (code === 410 || object.reason === "Expired" || object.reason === "Gone") {
            gone = true;
            break;
          }
          // Named as the transport names a request (the server URL's path prefix included).
          throw context.transport.failureStatus({ method: "WATCH", path }, object as Status, code);
        }
        if (object.metadata?.resourceVersion) {
          resourceVersion = object.metadata.resourceVersion;
          options.onProgress?.(resourceVersion);
        }
        if (event.type === "BOOKMARK") {
          if (!options.bookmarks) continue;
        } else if (event.type === "DELETED") {
          known.delete(keyOf(object));
        } else {
          known.set(keyOf(object), object as T);
        }
        disarm();
        yield { type: event.type as WatchEvent<T>["type"], object: object as T };
        arm();
      }
      log.debug({ path, resourceVersion, events: received }, "kube watch stream ended; resuming");
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      failed = true;
      if (error instanceof KubeGoneError) gone = true;
      else if (streamSignal.reason instanceof StallError) log.warn({ path, resourceVersion, stallTimeoutMs: stallMs }, "kube watch stalled; restarting");
      // The server refused the watch, or sent an `ERROR` event: thrown unless it may pass (429, 5xx).
      else if (error instanceof KubeApiError) {
        if (!established || !transient(error)) throw error;
        log.warn({ path, resourceVersion, statusCode: error.statusCode, error: error.message }, "kube watch refused for now; retrying");
      }
      // After a 200, a broken connection (API server restart, idle timeout) is resumed, even before the first event, as client-go's reflector does.
      else if (connected && !(error instanceof KubeClientClosedError)) log.warn({ path, resourceVersion, events: received, error: (error as Error).message }, "kube watch stream broke; resuming");
      // The request could not be set up past the transport's retries: waited out once the watch is established.
      else if (established && transient(error)) log.warn({ path, resourceVersion, error: (error as Error).message }, "kube watch could not connect; retrying");
      else throw error;
    } finally {
      disarm();
      unlink();
      stream.abort();
    }
    // client-go's reflector backs off after a "very short watch" (under a second, no events), a
    // failed one, or one answered with nothing but 410, before it lists again (without the wait,
    // a server answering every watch so was listed thousands of times a second); a stream that
    // ran its course quietly (no change on a quiet type) is resumed at once.
    const quiet = received === 0 && (gone || failed || performance.now() - started < VERY_SHORT_WATCH_MS);
    quietStreams = quiet ? quietStreams + 1 : 0;
    if (quietStreams > 0) await context.transport.pause(backoffMs(quietStreams), signal);
    if (gone) {
      log.info({ path, resourceVersion }, "kube watch resourceVersion expired; listing again");
      resourceVersion = yield* relist();
    }
  }
}
