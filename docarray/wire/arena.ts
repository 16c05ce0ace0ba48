/**
 * Reusable encode buffers. A fresh multi-megabyte buffer per message costs more than encoding into it: the
 * allocator hands large blocks back to the OS when they are freed, so every new one is page-faulted (and zeroed)
 * again. A {@link WireArena} keeps a few buffers ("slabs") and lends one per encoded message; the message's bytes are
 * a view into it, held by a {@link WireLease} until `release()`.
 *
 * The ownership rule, which makes misuse unable to corrupt data in flight: a slab is lent to one lease at a time and
 * comes back to the arena only through that lease's `release()`, once (a second call does nothing). A lease never
 * released is simply collected with its slab. So a writer releases when the bytes are written out (for
 * `node:http2`, in `stream.end(bytes, callback)`'s callback), and until then no other message can be encoded into
 * them. Reading `bytes` after `release()` is the caller's bug: they may hold a later message by then.
 *
 * @module
 */

/**
 * Options of {@link WireArena}.
 *
 * @example
 * ```ts
 * const arena = new WireArena({ maxPooledBytes: 16 * 1024 * 1024 });
 * ```
 */
export interface WireArenaOptions {
  /** At most this many bytes of free slabs are kept for reuse (default 64 MiB); slabs beyond are dropped. */
  maxPooledBytes?: number | undefined;
}

/** The smallest slab: small messages share this size, so any free slab serves them. */
const minSlab = 64 * 1024;

/**
 * Bytes lent by a {@link WireArena}: valid until {@link WireLease.release}.
 *
 * @example
 * ```ts
 * const lease = arena.lend();
 * lease.slab.set(message);
 * lease.release();
 * ```
 */
export class WireLease {
  #bytes: Uint8Array;
  #slab: Uint8Array | undefined;
  #giveBack: ((slab: Uint8Array) => void) | undefined;

  /** `bytes` lent until `release()`, which calls `giveBack` with them once (none: bytes owned, nothing to give back). */
  constructor(bytes: Uint8Array, giveBack?: (slab: Uint8Array) => void) {
    this.#bytes = bytes;
    this.#slab = bytes;
    this.#giveBack = giveBack;
  }

  /** The encoded message: a view into the lent slab (or an owned buffer when the arena could not be used). */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  /** Marks the slab's bytes `[start, end)` as the message (what an encoder calls once it has written them). */
  wrote(start: number, end: number): void {
    this.#bytes = this.slab.subarray(start, end);
  }

  /** The whole slab lent (what an encoder writes into; `bytes` is the part it wrote). */
  get slab(): Uint8Array {
    const slab = this.#slab;
    if (slab === undefined) throw new Error("wire arena: the lease was released");
    return slab;
  }

  /** Gives the slab back to its arena; only the first call does. `bytes` must not be used afterwards. */
  release(): void {
    const slab = this.#slab;
    const giveBack = this.#giveBack;
    this.#slab = undefined;
    this.#giveBack = undefined;
    if (slab !== undefined && giveBack !== undefined) giveBack(slab);
  }
}

/**
 * A pool of encode buffers for messages that are written out and then dropped (a gRPC hop's requests and
 * answers): see the module's ownership rule. Synchronous; one arena can serve any number of leases in flight.
 *
 * @example
 * ```ts
 * const arena = new WireArena();
 * const lease = encodeDataRequestLeased(request, arena);
 * stream.end(lease.bytes, () => lease.release());
 * ```
 */
export class WireArena {
  readonly #free: Uint8Array[] = [];
  #pooled = 0;
  /** The size the last message needed: a new slab is at least this large. */
  #hint = minSlab;
  readonly #maxPooledBytes: number;

  constructor(options: WireArenaOptions = {}) {
    this.#maxPooledBytes = options.maxPooledBytes ?? 64 * 1024 * 1024;
  }

  /** Lends the largest free slab if it holds `hint` bytes (what the last message needed), else a new slab. */
  lend(): WireLease {
    const free = this.#free;
    let best = -1;
    for (let i = 0; i < free.length; i++) if (best < 0 || free[i]!.length > free[best]!.length) best = i;
    let slab: Uint8Array;
    if (best >= 0 && free[best]!.length >= this.#hint) {
      slab = free[best]!;
      free[best] = free[free.length - 1]!;
      free.pop();
      this.#pooled -= slab.length;
    } else slab = new Uint8Array(slabSize(this.#hint));
    return new WireLease(slab, this.#takeBack);
  }

  /** Records the size a message needed, so that the next new slab holds it. */
  needed(size: number): void {
    this.#hint = Math.max(minSlab, size);
  }

  /** The bytes of free slabs kept for reuse. */
  get pooledBytes(): number {
    return this.#pooled;
  }

  /** Called by a lease's `release()` only, once per lending (so a slab is never in the free list twice). */
  readonly #takeBack = (slab: Uint8Array): void => {
    if (this.#pooled + slab.length > this.#maxPooledBytes) return;
    this.#free.push(slab);
    this.#pooled += slab.length;
  };
}

/** A slab size for `size` bytes: the next power of two from 64 KiB, so that slabs fit messages of similar sizes. */
function slabSize(size: number): number {
  let slab = minSlab;
  while (slab < size) slab *= 2;
  return slab;
}
