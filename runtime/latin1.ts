/**
 * A fast byte-to-string primitive for the wire codec, where the runtime has one that beats building the string
 * in JavaScript: Bun's `Buffer#latin1Slice` makes a 32-byte id string in about a third of the time of
 * `String.fromCharCode` (on Node and Deno, V8's `String.fromCharCode` is as fast, so they get none). Browser-safe: no
 * static `node:` import.
 *
 * @module
 */
import { builtin } from "./builtin.ts";
import { runtimeName } from "./detect.ts";

/**
 * Reads bytes of one buffer as Latin-1 code units (for the codec: only after it checked they are ASCII).
 *
 * @example
 * ```ts
 * const view: Latin1View | undefined = latin1View(bytes);
 * view?.latin1Slice(0, 4);
 * ```
 */
export interface Latin1View {
  /** `bytes[start, end)` as a string of the same code units. */
  latin1Slice(start: number, end: number): string;
}

interface BufferModule {
  Buffer: { from(buffer: ArrayBufferLike, byteOffset: number, length: number): Latin1View };
}

const bufferClass = runtimeName() === "bun" ? builtin<BufferModule>("node:buffer")?.Buffer : undefined;

/**
 * A {@link Latin1View} over `bytes` (positions relative to `bytes`) where the runtime has a faster native one than
 * `String.fromCharCode` (Bun), else undefined. No copy: a view over the same memory.
 *
 * @example
 * ```ts
 * const view = latin1View(new TextEncoder().encode("abc"));
 * const text = view ? view.latin1Slice(0, 3) : "abc";
 * ```
 */
export function latin1View(bytes: Uint8Array): Latin1View | undefined {
  return bufferClass?.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
