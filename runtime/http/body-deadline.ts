/**
 * @module http/body-deadline
 * The time a caller has to send a request's body (`http.bodyTimeoutMs`). Without one, a client
 * that declares a body and stalls holds its call, and a `--max-inflight` slot, until Node's own
 * 300 s `requestTimeout`; for HMAC and unauthenticated functions, whose body is read before any
 * credential is checked, anyone could fill every slot that way.
 *
 * One timer per route, not one per request: the reads in progress are a linked list in start
 * order, which is deadline order (every read of a route has the same allowance), and the timer
 * is armed for the oldest. A read that ends unlinks itself; the timer expires what is due when it
 * fires and re-arms for the next. A request pays for a small object and two links, not a timer,
 * and what is kept is only what is still being read.
 */

/** The longest delay Node's timers take (2^31 - 1 ms); `http.bodyTimeoutMs` is held to a day anyway. */
const MAX_DELAY_MS = 2_147_483_647;

/** One read in progress, in its route's list. */
export class BodyRead {
  prev: BodyRead | undefined;
  next: BodyRead | undefined;
  linked = true;

  constructor(
    readonly deadline: number,
    readonly expire: () => void,
  ) {}
}

/** The body reads in progress of one route and their deadline. */
export class BodyDeadlines {
  readonly ms: number;
  #first: BodyRead | undefined;
  #last: BodyRead | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.ms = ms;
  }

  /** Track a read: `expire` runs if it has not ended within `ms`. Call `end` when it ends. */
  start(expire: () => void): BodyRead {
    const read = new BodyRead(performance.now() + this.ms, expire);
    const last = this.#last;
    if (last) {
      last.next = read;
      read.prev = last;
    } else this.#first = read;
    this.#last = read;
    if (this.#timer === undefined) this.#arm(read.deadline);
    return read;
  }

  /** The read ended (its body arrived, was refused, or the client went away). Safe to call twice. */
  end(read: BodyRead): void {
    if (!read.linked) return;
    read.linked = false;
    const { prev, next } = read;
    if (prev) prev.next = next;
    else this.#first = next;
    if (next) next.prev = prev;
    else this.#last = prev;
    read.prev = read.next = undefined;
  }

  #arm(deadline: number): void {
    // A monotonic clock (a wall-clock step cannot expire reads early or hold them); at most a day.
    this.#timer = setTimeout(() => this.#expireDue(), Math.min(MAX_DELAY_MS, Math.max(0, deadline - performance.now())));
    // Reads in progress alone never keep the process alive (shutdown closes their connections).
    this.#timer.unref();
  }

  #expireDue(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (let read = this.#first; read && read.deadline <= now; read = this.#first) {
      this.end(read);
      read.expire();
    }
    if (this.#first) this.#arm(this.#first.deadline);
  }
}
