/**
 * The write side of the wire codec: a cursor over one `Uint8Array`, and the size arithmetic of the size pass.
 * A writer works in one of two modes:
 * - sized: the size pass computed every nested message's length and pushed it on `sizes` in pre-order; the write
 *   pass takes them in the same order ({@link WireWriter.open}), so each length prefix is written before its message
 *   and every byte is written once, into one buffer of exactly the message's size;
 * - one pass (no `sizes`): `open` leaves room for the length prefix (as wide as that kind of message's prefix was
 *   last time) and `close` writes it once the message is written, moving the payload only when the width guessed
 *   was wrong. No size pass; the buffer must be large enough (the codec checks {@link WireWriter.overflowed}).
 *
 * @module
 */

/**
 * The number of bytes of `value` as an unsigned varint (`value` a uint32).
 *
 * @example
 * ```ts
 * varintSize(127); // 1
 * varintSize(128); // 2
 * ```
 */
export function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/**
 * The number of bytes of a length-delimited field's payload prefix plus payload: varint(length) + length.
 *
 * @example
 * ```ts
 * delimitedSize(3); // 4
 * ```
 */
export function delimitedSize(length: number): number {
  return varintSize(length) + length;
}

/**
 * The size of a nested message field's length prefix plus payload, reserving its slot on `sizes` before the size
 * pass descends into it (so slots are in pre-order, the order the write pass uses them).
 *
 * @example
 * ```ts
 * size += 1 + sizeNested(sizes, doc.embedding, sizeNdArray);
 * ```
 */
export function sizeNested<T>(sizes: number[], value: T, sizeOf: (sizes: number[], value: T) => number): number {
  const slot = sizes.length;
  sizes.push(0);
  const size = sizeOf(sizes, value);
  sizes[slot] = size;
  return delimitedSize(size);
}

/**
 * Opens the size slot of a nested message on `sizes` (pre-order), for {@link closeSlot} once its payload size is
 * known: `sizeNested` written out at a hot call site, so that the size function is called directly.
 *
 * @example
 * ```ts
 * const slot = openSlot(sizes);
 * size += 2 + closeSlot(sizes, slot, sizeNdArray(sizes, doc.embedding));
 * ```
 */
export function openSlot(sizes: number[]): number {
  sizes.push(0);
  return sizes.length - 1;
}

/**
 * Fills the slot {@link openSlot} opened with the payload size and returns the length prefix plus payload.
 *
 * @example
 * ```ts
 * size += 1 + closeSlot(sizes, slot, sizeDocument(sizes, doc));
 * ```
 */
export function closeSlot(sizes: number[], slot: number, size: number): number {
  sizes[slot] = size;
  return varintSize(size) + size;
}

/**
 * The kinds of nested message, for the one-pass writer's guess of their length prefix's width (messages of one kind
 * tend to have lengths of one width, e.g. 1,000 documents of 3 KB).
 *
 * @example
 * ```ts
 * const mark = w.open(Kind.document);
 * ```
 */
export const Kind = {
  header: 0,
  status: 1,
  exception: 2,
  route: 3,
  timestamp: 4,
  data: 5,
  documentArray: 6,
  document: 7,
  ndArray: 8,
  dense: 9,
  sparse: 10,
  struct: 11,
  structEntry: 12,
  structValue: 13,
  list: 14,
  scoreEntry: 15,
  score: 16,
} as const;

/** The one-pass writer's prefix width per {@link Kind}: the width needed the last time (1–5). */
const guesses = new Uint8Array(17).fill(1);

/**
 * Thrown by a one-pass writer that ran past its buffer; the codec then encodes with a size pass instead.
 *
 * @example
 * ```ts
 * try { write(w) } catch (e) { if (e instanceof Overflow) retry(); }
 * ```
 */
export class Overflow extends Error {}

/**
 * A cursor writing protobuf wire primitives into one buffer: sized by the size pass (`sizes` given), or in one
 * pass, back-patching length prefixes (`sizes` undefined).
 *
 * @example
 * ```ts
 * const w = new WireWriter(new Uint8Array(2), []);
 * w.varint(300); // w.buf = [0xac, 0x02]
 * ```
 */
export class WireWriter {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;
  /** The message sizes of the size pass, in pre-order; undefined for a one-pass writer. */
  readonly sizes: number[] | undefined;
  /** The next entry of `sizes` to use. */
  next = 0;
  /**
   * Where the message starts (a one-pass writer): where the cursor was set before writing; earlier or later once
   * prefixes written wider or narrower than guessed moved the bytes before them. Leave room before it (a one-pass
   * writer's `pos` starts past a gap) so that they can move earlier.
   */
  start = 0;
  /** How far the bytes before the open messages have moved (one pass), so that `close` finds their starts. */
  shift = 0;

  constructor(buf: Uint8Array, sizes: number[] | undefined) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.sizes = sizes;
  }

  /** An unsigned 32-bit varint (also a tag: `field << 3 | wireType`). */
  varint(value: number): void {
    const buf = this.buf;
    let v = value >>> 0;
    while (v > 0x7f) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** A signed int32 varint: negative values take ten bytes (sign-extended to 64 bits), as protobuf writes them. */
  int32(value: number): void {
    if (value >= 0) return this.varint(value);
    this.varint64(BigInt(value));
  }

  /** A 64-bit varint of a two's-complement integer (int64/uint64 fields). */
  varint64(value: bigint): void {
    if (value >= 0n && value <= 0x1fffffffffffffn) {
      // A safe integer (timestamps' seconds): written with numbers, no bigint arithmetic per byte.
      let n = Number(value);
      while (n >= 0x80) {
        this.buf[this.pos++] = (n % 0x80) | 0x80;
        n = Math.floor(n / 0x80);
      }
      this.buf[this.pos++] = n;
      return;
    }
    let v = BigInt.asUintN(64, value);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /**
   * Starts a nested message (its tag written): a sized writer writes its length prefix; a one-pass writer leaves
   * room for it. Returns the mark to pass to {@link close} once the message is written.
   */
  open(kind: number): number {
    const sizes = this.sizes;
    if (sizes !== undefined) {
      this.varint(sizes[this.next++] as number);
      return 0;
    }
    const width = guesses[kind] as number;
    this.pos += width;
    // the payload's start as it will be once the bytes before it have moved by what `shift` has moved by then
    return (this.pos - this.shift) * 8 + width;
  }

  /**
   * Ends the nested message `mark` (from {@link open}) at the cursor: a one-pass writer writes its length now. When
   * the prefix needs another width than the one guessed, the cheaper side moves: the payload, or everything written
   * before the prefix (when that is shorter, e.g. a request's header before 3 MB of documents; the message then
   * starts earlier or later in the buffer, see {@link start}).
   */
  close(mark: number, kind: number): void {
    if (this.sizes !== undefined) return;
    const end = this.pos;
    const buf = this.buf;
    if (end > buf.length) throw new Overflow();
    const width = mark % 8;
    const start = (mark - width) / 8 + this.shift;
    const length = end - start;
    const need = varintSize(length);
    let at = start - width;
    if (need !== width) {
      guesses[kind] = need;
      const grow = need - width;
      const head = this.start;
      if (at - head < length && head - grow >= 0) {
        buf.copyWithin(head - grow, head, at); // the bytes before the prefix, and every open message's start, move
        this.start = head - grow;
        this.shift -= grow;
        at -= grow;
      } else {
        buf.copyWithin(at + need, start, end);
        this.pos = at + need + length;
      }
    }
    let v = length;
    while (v > 0x7f) {
      buf[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[at] = v;
  }

  /** Whether a one-pass writer ran past its buffer (what it wrote is then incomplete). */
  overflowed(): boolean {
    return this.pos > this.buf.length;
  }

  /** Raw bytes. */
  raw(bytes: Uint8Array): void {
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A float32, little-endian. */
  float(value: number): void {
    this.view.setFloat32(this.pos, value, true);
    this.pos += 4;
  }

  /** A float64, little-endian. */
  double(value: number): void {
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }
}
