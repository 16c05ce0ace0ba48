/**
 * Document ids: 32 random lowercase hex characters, as docarray's `os.urandom(16).hex()`.
 *
 * @module
 */

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * A new random id: 16 random bytes as 32 lowercase hex characters.
 *
 * @example
 * ```ts
 * randomId(); // "3f9a0c…" (32 characters)
 * ```
 */
export function randomId(): string {
  if (used + 16 > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  let out = "";
  for (let i = used; i < used + 16; i++) out += hex[pool[i]!];
  used += 16;
  return out;
}

/** Random bytes drawn 4 KiB at a time (one call to the system's generator per 256 ids). */
const pool = new Uint8Array(4096);
let used = pool.length;
