/**
 * Deadlines of one duration on one timer: requests that all get the same timeout expire in the order they came, so
 * a linked list in arrival order is sorted by deadline, adding and removing are O(1), and one timer armed for the
 * earliest stands for all of them (instead of a `setTimeout` and a `clearTimeout` per request).
 *
 * @module
 */

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

  constructor(readonly ms: number) {}

  /** Calls `fire` once, `ms` from now, unless the returned function is called first. */
  add(fire: () => void): () => void {
    const entry: Entry = { at: Date.now() + this.ms, fire, prev: this.#tail, next: undefined, live: true };
    if (this.#tail) this.#tail.next = entry;
    else this.#head = entry;
    this.#tail = entry;
    if (this.#timer === undefined) this.#arm(entry.at);
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
    if (!this.#head && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #arm(at: number): void {
    this.#armedAt = at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, at - Date.now()));
  }

  #expire(): void {
    this.#timer = undefined;
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
    return this.#timer === undefined ? undefined : this.#armedAt;
  }
}
