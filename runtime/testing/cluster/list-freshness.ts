/**
 * @module cluster/list-freshness
 * A list or GET of a resourceVersion the server has not reached yet, as 1.32 answers it. The watch
 * cache serves a list with `resourceVersion` set unless it is delegated to etcd (`continue`,
 * `resourceVersionMatch=Exact`, or a `limit` with a resourceVersion other than "0", whatever
 * the match): the cache waits up to 3 s for the version (`waitUntilFreshAndBlock`), then
 * answers 504 "Too large resource version" suggesting a retry after 1 s. A delegated list that
 * reads etcd at that revision (Exact, or a limit with no match) gets etcd's ErrFutureRev as is:
 * a 500 with etcd's text and no reason (kubernetes/kubernetes#132358, unfixed in 1.32); one
 * with `NotOlderThan` reads the latest revision and etcd3's `validateMinimumResourceVersion`
 * answers the same 504 at once, with no retry delay. The cache does not paginate: a list it
 * serves ignores `limit` (KEP-4988 paginates from the cache from 1.33 on). A GET naming a
 * resourceVersion is the cache's too: the same wait, the same 504.
 */
import type { Call } from "./call.js";
import { parseResourceVersion } from "./resource-version.js";
import { ApiError, failure, plainError } from "./status.js";

/** The watch cache's `blockTimeout`. */
const BLOCK_TIMEOUT_MS = 3000;

/** `Cacher.GetList`'s `shouldDelegateList` for a list that names a resourceVersion. */
function delegatedToEtcd(call: Call): boolean {
  const q = call.query;
  if (q.get("continue")) return true;
  const match = q.get("resourceVersionMatch") ?? "";
  if (match === "Exact") return true;
  // hasLimit := pred.Limit > 0 && resourceVersion != "0", whatever the match.
  return Number(q.get("limit") ?? 0) > 0 && (q.get("resourceVersion") ?? "") !== "0";
}

/**
 * A list the 1.32 watch cache serves (a resourceVersion given, not delegated): the cache has no
 * pagination, so `limit` is ignored and every item comes back with no `continue`.
 */
export function servedFromWatchCache(call: Call): boolean {
  return (call.query.get("resourceVersion") ?? "") !== "" && !delegatedToEtcd(call);
}

/**
 * Resolves once the store reaches resourceVersion `wanted`, after the cache's 3 s (`ms`), or as
 * soon as `until` aborts (the client gone, the server stopping): nothing is left running.
 */
export function waitForResourceVersion(call: Call, wanted: number, ms = BLOCK_TIMEOUT_MS, until?: AbortSignal): Promise<void> {
  const store = call.registry.store;
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      unsubscribe();
      until?.removeEventListener("abort", finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    const unsubscribe = store.subscribe(() => {
      if (store.resourceVersion >= wanted) finish();
    });
    if (until?.aborted) finish();
    else until?.addEventListener("abort", finish, { once: true });
  });
}

/** Before a list: waits, as the watch cache does, for a resourceVersion not reached yet. */
export async function waitForListResourceVersion(call: Call): Promise<void> {
  const raw = call.query.get("resourceVersion") ?? "";
  if (!raw || raw === "0" || delegatedToEtcd(call)) return;
  // The cache parses the version before it waits: one that does not parse is its 500.
  const wanted = parseResourceVersion(raw, "cache");
  if (wanted > call.registry.store.resourceVersion) await waitForResourceVersion(call, wanted);
}

/**
 * Before a GET naming a resourceVersion: Cacher.Get serves it from the watch cache, whose
 * WaitUntilFreshAndGet waits up to 3 s for a version not reached, then answers the 504 (retry
 * after 1 s). A GET's options have no limit or continue: it is never delegated.
 */
export async function waitForGetResourceVersion(call: Call): Promise<void> {
  const raw = call.query.get("resourceVersion") ?? "";
  if (!raw) return;
  // The cache parses the version first: one that does not parse is its 500.
  const wanted = parseResourceVersion(raw, "cache");
  const store = call.registry.store;
  if (wanted <= store.resourceVersion) return;
  await waitForResourceVersion(call, wanted);
  if (store.resourceVersion < wanted) throw tooLarge(call, wanted, 1);
}

/**
 * The cache's storage.NewTooLargeResourceVersionError (504 Timeout, retry after 1 s), or for a
 * list delegated to etcd its future-revision error, which no code turns into a Status.
 */
export function tooLargeResourceVersion(call: Call, wanted: number): ApiError {
  const fromEtcd = delegatedToEtcd(call);
  if (fromEtcd && call.query.get("resourceVersionMatch") !== "NotOlderThan") {
    return plainError("etcdserver: mvcc: required revision is a future revision");
  }
  // The cache's retry delay is 1 s, etcd3's 0 (none sent).
  return tooLarge(call, wanted, fromEtcd ? 0 : 1);
}

/** storage.NewTooLargeResourceVersionError: 504 Timeout, with `retryAfterSeconds` unless 0. */
function tooLarge(call: Call, wanted: number, retryAfterSeconds: number): ApiError {
  const current = call.registry.store.resourceVersion;
  return new ApiError(
    failure(504, "Timeout", `Timeout: Too large resource version: ${wanted}, current: ${current}`, {
      causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
      ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    }),
  );
}
