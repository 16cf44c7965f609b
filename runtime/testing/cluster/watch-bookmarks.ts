/**
 * @module cluster/watch-bookmarks
 * When a watch that allows bookmarks gets one, as 1.32's cacher schedules them: a plain watch
 * starts as if its bookmark was sent (cacheWatcher.setBookmarkAfterResourceVersion(0)), and a
 * watch list's initial-events-end bookmark is sent here with its initial events, so
 * `nextBookmarkTime` puts the first one `bookmarkFrequency` after the start (a minute) or 2 s
 * before the watch's deadline, whichever comes first, and each next one as far after the last;
 * none once that time has passed. (The cacher schedules at once only a watch list still waiting
 * for its end bookmark, which never happens here.) Whether one scheduled is sent (a version newer
 * than the watch's start) is the watch's concern.
 */

/** nextBookmarkTime's lead before the deadline. */
const BEFORE_DEADLINE_MS = 2000;

/** A watch's bookmark times. */
export interface BookmarkSchedule {
  /** Milliseconds from `now` to the next bookmark, or undefined for none (nextBookmarkTime's false). */
  next(now: number): number | undefined;
}

/** The schedule of a watch ending at `deadline` (ms since the epoch), with bookmarks every `frequencyMs`. */
export function bookmarkSchedule(frequencyMs: number, deadline: number): BookmarkSchedule {
  // The one before the deadline is the last: a timer firing a millisecond early must not see
  // its own time still ahead and schedule it again.
  let last = false;
  return {
    next(now: number): number | undefined {
      if (last) return undefined;
      const lastAt = deadline - BEFORE_DEADLINE_MS;
      if (now + frequencyMs < lastAt) return frequencyMs;
      last = true;
      return lastAt < now ? undefined : lastAt - now;
    },
  };
}
