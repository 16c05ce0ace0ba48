/**
 * node:zlib's functions loaded on their first call (runtime/lazy-zlib.ts, issue 8, fast start): they answer as
 * node:zlib does, the first call too, errors included.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { promisify } from "node:util";
import * as zlib from "node:zlib";
import { brotliCompress, brotliDecompress, gunzip, gzip, inflate } from "../../runtime/lazy-zlib.ts";

const bytes = new TextEncoder().encode("jina-ts ".repeat(200));

// First in this file: the only call that loads node:zlib, where a throw of node:zlib's comes a tick later.
test("on the call that loads node:zlib, what node:zlib throws at once (bad options) comes to the callback", async () => {
  const error = await promisify(gzip)(bytes, { level: 42 }).then(() => undefined, (reason: unknown) => reason);
  assert.instance(error, Error);
  assert.match(String(error), /level/);
});

test("gzip then gunzip round-trips, from the first call, and node:zlib reads what gzip wrote", async () => {
  const compressed = await promisify(gzip)(bytes, {});
  assert.ok(compressed.length < bytes.length);
  assert.equal(new Uint8Array(zlib.gunzipSync(compressed)), bytes);
  assert.equal(new Uint8Array(await promisify(gunzip)(compressed, {})), bytes);
});

test("inflate and brotli answer as node:zlib's", async () => {
  assert.equal(new Uint8Array(await promisify(inflate)(zlib.deflateSync(bytes), {})), bytes);
  assert.equal(new Uint8Array(await promisify(brotliDecompress)(await promisify(brotliCompress)(bytes, {}), {})), bytes);
});

test("errors come back through the callback: bytes that are not gzip, an answer over maxOutputLength", async () => {
  const notGzip = await promisify(gunzip)(bytes, {}).then(() => undefined, (error: unknown) => error);
  assert.instance(notGzip, Error);
  const tooLarge = await promisify(gunzip)(zlib.gzipSync(bytes), { maxOutputLength: 10 }).then(() => undefined, (error: unknown) => error);
  assert.instance(tooLarge, Error);
});

test.run();
