/**
 * The versions a jina-ts server reports: its own and the Jina release it follows.
 *
 * @module
 */

/**
 * The version of jina-ts itself. Kept equal to package.json's `version` (tests/package/manifest.test.ts checks it);
 * a constant because reading package.json needs a file system, which not every runtime or bundle has.
 *
 * @example
 * ```ts
 * jinaInfo(context).jina["jina-ts"] === jinaTsVersion; // true
 * ```
 */
export const jinaTsVersion = "0.1.0";

/**
 * The Jina release whose wire format and semantics jina-ts follows (what `_status` reports as `jina`).
 *
 * @example
 * ```ts
 * jinaInfo(context).jina.jina === jinaCompatVersion; // "3.14.2"
 * ```
 */
export const jinaCompatVersion = "3.14.2";
