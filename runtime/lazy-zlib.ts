/**
 * node:zlib's callback functions, loading node:zlib on the first call instead of at import (issue 8, fast start:
 * loading it costs a process 1–2 ms of CPU before it is ready, for compression that most calls never use). The
 * package build also gives these to Connect's node adapter in place of node:zlib (scripts/build.mjs).
 *
 * @module
 */
import type * as Zlib from "node:zlib";

/** Called with the result or the error, as node:zlib calls it. */
export type ZlibCallback = (error: Error | null, result: Uint8Array) => void;

/** One of node:zlib's one-shot functions, always with its options. */
export type ZlibFunction = (buffer: Uint8Array, options: Zlib.ZlibOptions & Zlib.BrotliOptions, callback: ZlibCallback) => void;

let zlib: typeof Zlib | undefined;
let loading: Promise<typeof Zlib> | undefined;

/**
 * The function `pick` takes from node:zlib, loading node:zlib on its first call (which then answers a tick later;
 * what node:zlib would throw at once, bad options say, then comes to the callback: the caller has returned).
 */
function lazy(pick: (module: typeof Zlib) => ZlibFunction): ZlibFunction {
  return (buffer, options, callback) => {
    if (zlib) return pick(zlib)(buffer, options, callback);
    const fail = (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), new Uint8Array(0));
    (loading ??= import("node:zlib").then((module) => (zlib = module))).then((loaded) => {
      try {
        pick(loaded)(buffer, options, callback);
      } catch (error) {
        fail(error);
      }
    }, fail);
  };
}

/**
 * node:zlib's `gzip`, loading node:zlib on its first call.
 *
 * @example
 * ```ts
 * gzip(bytes, {}, (error, compressed) => console.log(error ?? compressed.length));
 * ```
 */
export const gzip: ZlibFunction = lazy((module) => module.gzip);

/**
 * node:zlib's `gunzip`, loading node:zlib on its first call.
 *
 * @example
 * ```ts
 * gunzip(compressed, { maxOutputLength: 1 << 20 }, (error, bytes) => console.log(error ?? bytes.length));
 * ```
 */
export const gunzip: ZlibFunction = lazy((module) => module.gunzip);

/**
 * node:zlib's `inflate`, loading node:zlib on its first call.
 *
 * @example
 * ```ts
 * inflate(deflated, {}, (error, bytes) => console.log(error ?? bytes.length));
 * ```
 */
export const inflate: ZlibFunction = lazy((module) => module.inflate);

/**
 * node:zlib's `brotliCompress`, loading node:zlib on its first call.
 *
 * @example
 * ```ts
 * brotliCompress(bytes, {}, (error, compressed) => console.log(error ?? compressed.length));
 * ```
 */
export const brotliCompress: ZlibFunction = lazy((module) => module.brotliCompress);

/**
 * node:zlib's `brotliDecompress`, loading node:zlib on its first call.
 *
 * @example
 * ```ts
 * brotliDecompress(compressed, {}, (error, bytes) => console.log(error ?? bytes.length));
 * ```
 */
export const brotliDecompress: ZlibFunction = lazy((module) => module.brotliDecompress);
