/**
 * The write side of the wire codec: a cursor over one pre-sized `Uint8Array`, and the size arithmetic of the
 * size pass. Encoding runs twice over a message tree: the size pass computes every nested message's length and
 * pushes it on `sizes` in pre-order; the write pass pops them in the same order, so each length prefix is known
 * before its message is written and every byte is written once, into one buffer.
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
 * A cursor writing protobuf wire primitives into one buffer sized by the size pass.
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
  /** The message sizes of the size pass, in pre-order. */
  readonly sizes: number[];
  /** The next entry of `sizes` to use. */
  next = 0;

  constructor(buf: Uint8Array, sizes: number[]) {
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
    let v = BigInt.asUintN(64, value);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /** The length prefix of the next nested message (from the size pass); returns the length. */
  length(): number {
    const n = this.sizes[this.next++] as number;
    this.varint(n);
    return n;
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
