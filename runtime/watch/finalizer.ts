/**
 * @module watch/finalizer
 * A watch's `finalizer`: the name podfn keeps in `metadata.finalizers` of every object the watch
 * sees, so that deleting one waits for the function's `FINALIZE` call (kopf's and
 * controller-runtime's pattern for cleaning up what an object stood for). Here: whether an
 * object has it or is being deleted, adding and removing it with a merge patch that carries the
 * resourceVersion read (a 409 reads the object again and decides again, as client-go's
 * RetryOnConflict; other finalizers are never touched), and the resourceVersions of the watch's
 * own writes (these and its status', watch/status.ts), so the watch does not call the function
 * again for its own change.
 */
import type { KubeObject, ResourceClient } from "../kube/api.js";
import { KubeConflictError, KubeNotFoundError } from "../kube/errors.js";
import { retryOnConflict } from "../kube/retry.js";

/** Whether `object` lists the finalizer `name`. */
export function hasFinalizer(object: KubeObject, name: string): boolean {
  return object.metadata?.finalizers?.includes(name) ?? false;
}

/** Whether `object` is being deleted (it has a `deletionTimestamp`: it waits for its finalizers). */
export function isTerminating(object: KubeObject): boolean {
  return typeof object.metadata?.deletionTimestamp === "string";
}

/** The own writes of one object whose events are awaited: a call may make two (a finalizer, then a status). */
const MAX_OWN_VERSIONS = 4;

/**
 * The watch's own writes (a finalizer's, a status'), so that their events call nothing: the
 * resourceVersions each object had after its last few (by object key: an event of each is
 * awaited), and the writes in flight, which the watch waits for before it judges an event of
 * their object (the event may be read before the write's answer: it is then judged once the
 * version is known, or, when that takes long, queued and judged in its turn — no newer change
 * meanwhile if it is an own write's: `has`).
 */
export class OwnWrites {
  readonly #versions = new Map<string, string[]>();
  readonly #writing = new Map<string, Promise<void>>();

  remember(key: string, object: KubeObject): void {
    const version = object.metadata?.resourceVersion;
    if (version === undefined) return;
    const versions = [...(this.#versions.get(key) ?? []), version];
    this.#versions.set(key, versions.slice(-MAX_OWN_VERSIONS));
  }

  /** Runs `write` about the object `key` (which remembers what it wrote before it settles) as in flight. */
  track<T>(key: string, write: Promise<T>): Promise<T> {
    const settled = write.then(
      () => undefined,
      () => undefined,
    );
    this.#writing.set(key, settled);
    void settled.then(() => {
      if (this.#writing.get(key) === settled) this.#writing.delete(key);
    });
    return write;
  }

  /** Settles once the write in flight about `key` has; undefined when none is. */
  inFlight(key: string): Promise<void> | undefined {
    return this.#writing.get(key);
  }

  /** Whether `object` is as one of the watch's own last writes of the object `key` left it (its event not consumed yet). */
  has(key: string, object: KubeObject): boolean {
    return this.#at(key, object) >= 0;
  }

  /** True (once) for the event of one of the watch's own last writes of the object `key`. */
  consume(key: string, object: KubeObject): boolean {
    const versions = this.#versions.get(key);
    const at = this.#at(key, object);
    if (at < 0) return false;
    // An event of a later write means the earlier ones' events are past (or were never sent: a relist).
    const left = versions!.slice(at + 1);
    if (left.length > 0) this.#versions.set(key, left);
    else this.#versions.delete(key);
    return true;
  }

  /** Where `object`'s version is among the own writes of `key` remembered; -1: none. */
  #at(key: string, object: KubeObject): number {
    return this.#versions.get(key)?.indexOf(object.metadata?.resourceVersion ?? "") ?? -1;
  }

  forget(key: string): void {
    this.#versions.delete(key);
  }
}

/** An object as it is after a finalizer step, and whether the step wrote it. */
export interface FinalizerStep {
  object: KubeObject;
  written: boolean;
}

/**
 * Write the finalizers `change` wants to the object (merge patch with the resourceVersion read),
 * reading it again after a 409 and asking `change` again; `change` returns `undefined` when
 * nothing is to be written. Resolves to the object as it is then, or `undefined` when it is gone.
 */
async function writeFinalizers(client: ResourceClient<KubeObject>, object: KubeObject, change: (current: KubeObject) => string[] | undefined, signal: AbortSignal): Promise<FinalizerStep | undefined> {
  const name = object.metadata!.name!;
  const where = object.metadata?.namespace !== undefined ? { namespace: object.metadata.namespace } : {};
  let current = object;
  try {
    return await retryOnConflict(
      async () => {
        const finalizers = change(current);
        if (finalizers === undefined) return { object: current, written: false };
        try {
          const patch = { metadata: { finalizers, resourceVersion: current.metadata?.resourceVersion } };
          return { object: await client.patch(name, patch, { type: "merge", signal, ...where }), written: true };
        } catch (error) {
          if (error instanceof KubeConflictError) current = await client.get(name, { signal, ...where });
          throw error;
        }
      },
      { signal },
    );
  } catch (error) {
    if (error instanceof KubeNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Add the finalizer `name` to `object` unless it has it or is being deleted (no finalizer may be
 * added then). Resolves to the object as it is then, or `undefined` when it is gone.
 */
export function addFinalizer(client: ResourceClient<KubeObject>, object: KubeObject, name: string, signal: AbortSignal): Promise<FinalizerStep | undefined> {
  if (hasFinalizer(object, name) || isTerminating(object)) return Promise.resolve({ object, written: false });
  return writeFinalizers(client, object, (current) => (hasFinalizer(current, name) || isTerminating(current) ? undefined : [...(current.metadata?.finalizers ?? []), name]), signal);
}

/**
 * Remove the finalizer `name` from `object` (the others stay as they are). Resolves to the
 * object as it is then, or `undefined` when it is gone; removing the last finalizer of an
 * object being deleted lets the API server delete it.
 */
export function removeFinalizer(client: ResourceClient<KubeObject>, object: KubeObject, name: string, signal: AbortSignal): Promise<FinalizerStep | undefined> {
  const uid = object.metadata?.uid;
  // Another object of the same name (made after this one went) is not this one's to let go.
  const ours = (current: KubeObject) => uid === undefined || current.metadata?.uid === uid;
  return writeFinalizers(client, object, (current) => (ours(current) && hasFinalizer(current, name) ? current.metadata!.finalizers!.filter((f) => f !== name) : undefined), signal);
}
