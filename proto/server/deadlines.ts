/**
 * Deadlines of one duration on one timer: requests that all get the same timeout expire in the order they came, so
 * a linked list in arrival order is sorted by deadline, adding and removing are O(1), and one timer armed for the
 * earliest stands for all of them (instead of a `setTimeout` and a `clearTimeout` per request). When the last pending
 * deadline goes, the timer is kept but unref'd ("parked": it no longer keeps the process alive) rather than cleared,
 * so requests that come one at a time (a gateway whose in-process flow answers each before the next arrives) do not
 * arm and clear a timer each; where a timer cannot be unref'd it is cleared.
 *
 * @module
 */

/** A timer that can stop and start holding the process open (Node's and Bun's `Timeout`; Deno's timers are numbers). */
interface RefTimer {
  ref(): unknown;
  unref(): unknown;
}

/** One deadline in a {@link DeadlineList}. */
interface Entry {
  readonly at: number;
  readonly fire: () => void;
  prev: Entry | undefined;
  next: Entry | undefined;
  /** False once fired or removed. */
  live: boolean;
}

/**
 * Deadlines `ms` after each `add`, on one timer.
 *
 * @example
 * ```ts
 * const deadlines = new DeadlineList(600_000);
 * const remove = deadlines.add(() => controller.abort(new Error("too late")));
 * await work();
 * remove();
 * ```
 */
export class DeadlineList {
  #head: Entry | undefined;
  #tail: Entry | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires (ms since the epoch). */
  #armedAt = 0;
  /** The timer is kept, unref'd, with nothing pending (see the module's note). */
  #parked = false;

  constructor(readonly ms: number) {}

  /** Calls `fire` once, `ms` from now, unless the returned function is called first. */
  add(fire: () => void): () => void {
    const entry: Entry = { at: Date.now() + this.ms, fire, prev: this.#tail, next: undefined, live: true };
    if (this.#tail) this.#tail.next = entry;
    else this.#head = entry;
    this.#tail = entry;
    if (this.#timer === undefined) this.#arm(entry.at);
    else if (this.#parked) {
      // Armed for an earlier deadline than this one: it fires early and re-arms for this one (see #expire).
      this.#parked = false;
      (this.#timer as RefTimer).ref();
    }
    return () => this.#remove(entry);
  }

  #remove(entry: Entry): void {
    if (!entry.live) return;
    entry.live = false;
    if (entry.prev) entry.prev.next = entry.next;
    else this.#head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.#tail = entry.prev;
    entry.prev = entry.next = undefined;
    // Nothing left to wait for: no timer keeps the process alive. Otherwise the armed timer stays (it re-arms on firing).
    if (!this.#head && this.#timer !== undefined && !this.#parked) this.#park(this.#timer);
  }

  /** Keeps `timer` without letting it hold the process open; clears it where it cannot be unref'd. */
  #park(timer: ReturnType<typeof setTimeout>): void {
    const refTimer = timer as Partial<RefTimer>;
    if (typeof refTimer.unref === "function" && typeof refTimer.ref === "function") {
      refTimer.unref();
      this.#parked = true;
    } else {
      clearTimeout(timer);
      this.#timer = undefined;
    }
  }

  #arm(at: number): void {
    this.#armedAt = at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, at - Date.now()));
  }

  #expire(): void {
    this.#timer = undefined;
    this.#parked = false;
    const now = Date.now();
    while (this.#head && this.#head.at <= now) {
      const entry = this.#head;
      this.#remove(entry);
      entry.fire();
    }
    if (this.#head && this.#timer === undefined) this.#arm(this.#head.at);
  }

  /** When the timer is armed to fire (ms since the epoch), or undefined when no deadline is pending. */
  get armedAt(): number | undefined {
    return this.#timer === undefined || this.#parked ? undefined : this.#armedAt;
  }
}
