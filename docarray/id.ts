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
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = "";
  for (const byte of bytes) out += hex[byte];
  return out;
}
