/**
 * Document ids: 32 random lowercase hex characters, as docarray's `os.urandom(16).hex()`.
 *
 * @module
 */

/** The character codes of the lowercase hex digits. */
const digits = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

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
  // one flat string made in one call (not 16 two-character pieces joined: a rope is slower to read when the id is
  // encoded, at every hop)
  const p = pool, u = used;
  used += 16;
  return String.fromCharCode(
    hi(p[u]!), lo(p[u]!), hi(p[u + 1]!), lo(p[u + 1]!), hi(p[u + 2]!), lo(p[u + 2]!), hi(p[u + 3]!), lo(p[u + 3]!),
    hi(p[u + 4]!), lo(p[u + 4]!), hi(p[u + 5]!), lo(p[u + 5]!), hi(p[u + 6]!), lo(p[u + 6]!), hi(p[u + 7]!), lo(p[u + 7]!),
    hi(p[u + 8]!), lo(p[u + 8]!), hi(p[u + 9]!), lo(p[u + 9]!), hi(p[u + 10]!), lo(p[u + 10]!), hi(p[u + 11]!), lo(p[u + 11]!),
    hi(p[u + 12]!), lo(p[u + 12]!), hi(p[u + 13]!), lo(p[u + 13]!), hi(p[u + 14]!), lo(p[u + 14]!), hi(p[u + 15]!), lo(p[u + 15]!),
  );
}

function hi(byte: number): number {
  return digits[byte >> 4]!;
}

function lo(byte: number): number {
  return digits[byte & 15]!;
}

/** Random bytes drawn 4 KiB at a time (one call to the system's generator per 256 ids). */
const pool = new Uint8Array(4096);
let used = pool.length;
