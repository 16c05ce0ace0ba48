/**
 * A queue that groups items into batches by size or age and runs one batch at a time: the scheduling half of
 * dynamic batching, free of requests and executors.
 *
 * @module
 */

/**
 * Options of {@link BatchQueue}.
 *
 * @example
 * ```ts
 * const options: BatchQueueOptions<string[]> = { preferredBatchSize: 16, timeout: 50, sizeOf: (x) => x.length, run: async () => {} };
 * ```
 */
export interface BatchQueueOptions<T> {
  /** Run a batch once the queued items are at least this big (by `sizeOf`). */
  preferredBatchSize: number;
  /** Run a batch at the latest this many ms after its oldest item was queued. */
  timeout: number;
  /** The size of one item (a request's document count). */
  sizeOf(item: T): number;
  /** Handles one batch; the next batch waits for it. Its rejections are ignored: settle each item yourself. */
  run(batch: T[]): Promise<void>;
  /** Called whenever the queue becomes empty with no batch running. */
  onIdle?(): void;
}

interface Queued<T> {
  item: T;
  size: number;
  at: number;
}

/**
 * Items wait until the queued ones reach `preferredBatchSize` or the oldest has waited `timeout` ms; then a batch
 * is taken from the front, in arrival order: whole items while they fit in `preferredBatchSize`, and always at
 * least one (so an item bigger than that runs alone, unsplit). One batch runs at a time; items queued meanwhile
 * form the next batches. No timer runs while the queue is empty.
 *
 * @example
 * ```ts
 * const queue = new BatchQueue<number>({ preferredBatchSize: 2, timeout: 100, sizeOf: () => 1, run: async (batch) => console.log(batch) });
 * queue.push(1);
 * queue.push(2); // logs [1, 2]
 * await queue.close();
 * ```
 */
export class BatchQueue<T> {
  readonly #options: BatchQueueOptions<T>;
  readonly #pending: Queued<T>[] = [];
  #pendingSize = 0;
  #running = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timedOut = false;
  #urgent = false;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: BatchQueueOptions<T>) {
    this.#options = options;
  }

  /** How many items wait (not counting a running batch). */
  get length(): number {
    return this.#pending.length;
  }

  /** Whether nothing is queued and no batch runs. */
  get idle(): boolean {
    return this.#pending.length === 0 && !this.#running;
  }

  /**
   * Queues `item`; after {@link close} it runs as soon as no other batch runs.
   *
   * @example
   * ```ts
   * queue.push(request);
   * ```
   */
  push(item: T): void {
    const size = this.#options.sizeOf(item);
    this.#pending.push({ item, size, at: performance.now() });
    this.#pendingSize += size;
    this.#pump();
  }

  /**
   * Takes `item` out of the queue if it has not started to run; returns whether it did.
   *
   * @example
   * ```ts
   * signal.addEventListener("abort", () => queue.remove(request));
   * ```
   */
  remove(item: T): boolean {
    const index = this.#pending.findIndex((queued) => queued.item === item);
    if (index < 0) return false;
    this.#pendingSize -= this.#pending[index]!.size;
    this.#pending.splice(index, 1);
    this.#clearTimer();
    this.#pump();
    return true;
  }

  /**
   * Runs everything queued without waiting for size or timeout (items pushed meanwhile too) and resolves once the
   * queue is idle. Later pushes batch as usual again.
   *
   * @example
   * ```ts
   * await queue.flush();
   * ```
   */
  flush(): Promise<void> {
    this.#urgent = true;
    const idle = new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    this.#pump();
    return idle;
  }

  /**
   * {@link flush}, and from now on every pushed item runs at once (no more waiting, no timers).
   *
   * @example
   * ```ts
   * await queue.close();
   * ```
   */
  close(): Promise<void> {
    this.#closed = true;
    return this.flush();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timedOut = false;
  }

  #pump(): void {
    if (this.#running) return;
    const oldest = this.#pending[0];
    if (!oldest) {
      this.#urgent = false;
      this.#clearTimer();
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
      this.#options.onIdle?.();
      return;
    }
    const { preferredBatchSize, timeout } = this.#options;
    const waited = performance.now() - oldest.at;
    if (!(this.#closed || this.#urgent || this.#timedOut || this.#pendingSize >= preferredBatchSize || waited >= timeout)) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#timedOut = true;
        this.#pump();
      }, Math.max(0, timeout - waited));
      return;
    }
    this.#clearTimer();
    const batch = this.#take(preferredBatchSize);
    this.#running = true;
    void Promise.resolve()
      .then(() => this.#options.run(batch))
      .catch(() => {})
      .finally(() => {
        this.#running = false;
        this.#pump();
      });
  }

  /** Whole items from the front while they fit in `limit`, at least one. */
  #take(limit: number): T[] {
    let size = 0;
    let count = 0;
    for (const queued of this.#pending) {
      if (count > 0 && size + queued.size > limit) break;
      size += queued.size;
      count++;
    }
    this.#pendingSize -= size;
    return this.#pending.splice(0, count).map((queued) => queued.item);
  }
}
