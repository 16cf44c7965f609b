/**
 * @module kube/watch
 * A watch as an async iterator that does not give up quietly, like a client-go reflector:
 *
 * - Without `resourceVersion`, it lists first (every page) and yields each listed object as
 *   `ADDED`, then watches from the list's resourceVersion, as informers do.
 * - It sends `watch=1&allowWatchBookmarks=true&resourceVersion=RV&timeoutSeconds=N`; when the
 *   server ends the stream (timeout, connection drop), it resumes from the last resourceVersion
 *   seen, bookmarks included. A stream that ended or broke before its first event is resumed
 *   after a jittered backoff (up to 30 s) that grows while streams keep coming back empty.
 * - On 410 Gone (as the HTTP status or as an `ERROR` event) it lists again and yields the
 *   difference with what it knows: `ADDED` for new objects, `MODIFIED` for changed ones,
 *   `DELETED` (with the last known object) for vanished ones; then watches from the new list's
 *   resourceVersion. What it knows is every object it has yielded, kept in memory (as an
 *   informer's store). With a caller-given `resourceVersion`, objects never seen come as `ADDED`.
 * - `BOOKMARK` events only advance the resourceVersion, unless `bookmarks: true`.
 * - A stream that sends nothing for `stallTimeoutMs` is dropped and restarted.
 * - It ends when the consumer breaks out, and throws the signal's reason on abort. Errors it
 *   cannot recover from (403, an `ERROR` event other than 410, a watch request that cannot be
 *   set up past the transport's retries, as a `KubeConnectionError`) are thrown, never
 *   swallowed; once the server has answered 200, a broken connection is always resumed.
 */
import type { KubeList, KubeObject, ResourceType, WatchEvent, WatchOptions } from "./api.js";
import { KubeApiError, KubeGoneError, kubeApiError } from "./errors.js";
import type { ClientContext } from "./context.js";
import { callSignal, resourcePath } from "./context.js";
import { readLines } from "./lines.js";
import { linkAbort } from "../signals.js";
import { sleep } from "./retry.js";

/** Lists one page; the watch uses the resource client's own. */
export type PageLister<T> = (options: { namespace?: string; labelSelector?: string; fieldSelector?: string; limit?: number; continue?: string; signal?: AbortSignal }) => Promise<KubeList<T>>;

interface RawEvent {
  type?: string;
  object?: KubeObject & { code?: number; reason?: string };
}

const keyOf = (object: KubeObject): string => `${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;

class StallError extends Error {}

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
  options: WatchOptions = {},
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
  options: WatchOptions,
): AsyncGenerator<WatchEvent<T>, void, undefined> {
  const namespace = options.namespace ?? context.namespace;
  const path = resourcePath(type, namespace);
  const timeoutSeconds = options.timeoutSeconds ?? 300;
  const stallMs = options.stallTimeoutMs ?? Math.min(2 * timeoutSeconds * 1000, 600_000);
  const log = context.logger;
  const known = new Map<string, T>();
  const selectors = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };

  async function* relist(): AsyncGenerator<WatchEvent<T>, string, undefined> {
    const seen = new Set<string>();
    let page: KubeList<T> | undefined;
    let cont: string | undefined;
    do {
      page = await listPage({ namespace, ...selectors, limit: options.limit ?? 500, continue: cont, signal });
      for (const object of page.items) {
        const key = keyOf(object);
        const before = known.get(key);
        seen.add(key);
        known.set(key, object);
        if (!before) yield { type: "ADDED", object };
        else if (before.metadata?.resourceVersion !== object.metadata?.resourceVersion) yield { type: "MODIFIED", object };
      }
      cont = page.metadata.continue || undefined;
    } while (cont);
    for (const [key, object] of known) {
      if (seen.has(key)) continue;
      known.delete(key);
      yield { type: "DELETED", object };
    }
    return page.metadata.resourceVersion ?? "";
  }

  let resourceVersion = options.resourceVersion || (yield* relist());
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
    try {
      arm();
      const query = { watch: 1, allowWatchBookmarks: true, resourceVersion, timeoutSeconds, ...selectors };
      const response = await context.transport.stream({ method: "GET", path, query, signal: streamSignal });
      connected = true;
      for await (const line of readLines(response.body, arm)) {
        if (!line.trim()) continue;
        received++;
        const event = JSON.parse(line) as RawEvent;
        const object = event.object ?? {};
        if (event.type === "ERROR") {
          const code = object.code ?? 500;
          if (code === 410 || object.reason === "Expired" || object.reason === "Gone") {
            gone = true;
            break;
          }
          throw kubeApiError(code, object, { method: "WATCH", path });
        }
        resourceVersion = object.metadata?.resourceVersion || resourceVersion;
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
      if (error instanceof KubeGoneError) gone = true;
      else if (error instanceof KubeApiError) throw error;
      else if (streamSignal.reason instanceof StallError) log.warn({ path, resourceVersion, stallTimeoutMs: stallMs }, "kube watch stalled; restarting");
      // The request could not be set up: the transport has retried it already (its errors are Kube*Error).
      else if (!connected) throw error;
      // After a 200, a broken connection (API server restart, idle timeout) is resumed, even before the first event, as client-go's reflector does.
      else log.warn({ path, resourceVersion, events: received, error: (error as Error).message }, "kube watch stream broke; resuming");
    } finally {
      disarm();
      unlink();
      stream.abort();
    }
    if (gone) {
      log.info({ path, resourceVersion }, "kube watch resourceVersion expired; listing again");
      resourceVersion = yield* relist();
      continue;
    }
    quietStreams = received === 0 ? quietStreams + 1 : 0;
    if (quietStreams > 0) await sleep(Math.random() * Math.min(30_000, 250 * 2 ** quietStreams), signal);
  }
}
