/**
 * @module cluster/watch-bookmarks
 * When a watch that allows bookmarks gets one, as 1.32's cacher schedules them: a new
 * cacheWatcher waits for its first bookmark and is scheduled at once, so the cacher's bookmark
 * tick (every second, jittered) sends one within about a second; after that `nextBookmarkTime`
 * puts the next one `bookmarkFrequency` later (a minute) or 2 s before the watch's deadline,
 * whichever comes first, and none when that time has passed. Whether one scheduled is sent (a
 * version newer than the watch's start) is the watch's concern.
 */

/** The cacher's bookmark tick: a watcher waiting for its first bookmark gets it on the next one. */
const FIRST_BOOKMARK_MS = 1000;
/** nextBookmarkTime's lead before the deadline. */
const BEFORE_DEADLINE_MS = 2000;

/** A watch's bookmark times. */
export interface BookmarkSchedule {
  /** Milliseconds from the watch's start to its first bookmark. */
  first: number;
  /** Milliseconds from `now` to the next bookmark, or undefined for none (nextBookmarkTime's false). */
  next(now: number): number | undefined;
}

/** The schedule of a watch ending at `deadline` (ms since the epoch), with bookmarks every `frequencyMs`. */
export function bookmarkSchedule(frequencyMs: number, deadline: number): BookmarkSchedule {
  // The one before the deadline is the last: a timer firing a millisecond early must not see
  // its own time still ahead and schedule it again.
  let last = false;
  return {
    first: Math.min(FIRST_BOOKMARK_MS, frequencyMs),
    next(now: number): number | undefined {
      if (last) return undefined;
      const lastAt = deadline - BEFORE_DEADLINE_MS;
      if (now + frequencyMs < lastAt) return frequencyMs;
      last = true;
      return lastAt < now ? undefined : lastAt - now;
    },
  };
}
