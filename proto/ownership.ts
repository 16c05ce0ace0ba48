/**
 * Which request objects their holder may hand on to be changed in place. The gateway marks a request it sends
 * when nobody else holds it; an in-process executor then handles that very object (no copy), and clones any other
 * (see `executor/transport.ts`). The rule this gives (clone-at-fork):
 * - the request a caller gives the gateway is never changed: the first in-process hop works on a clone;
 * - along a chain, each node's output is owned by the next node: no copy;
 * - where the graph forks (a node with several successors), each branch gets its own clone;
 * - over the network nothing is cloned (the bytes are the copy).
 *
 * @module
 */

/**
 * The mark: a non-enumerable own property, so that a spread or clone of a marked request is not marked (as a copy is
 * not what the holder handed on) and no encoder or JSON writer sees it. A WeakSet did the same at ~25× the cost per
 * mark (garbage collection of its entries), five marks per request. Objects that take no new property (frozen) are
 * kept in a WeakSet instead.
 */
const ownedMark = Symbol("jina-ts owned");
const frozenOwned = new WeakSet<object>();
const markDescriptor: PropertyDescriptor = { value: true };

/**
 * Marks `request` as owned by whoever receives it (it may be changed in place); returns it.
 *
 * @example
 * ```ts
 * await send(markOwned({ ...part.request, parameters }));
 * ```
 */
export function markOwned<T extends object>(request: T): T {
  if ((request as { [ownedMark]?: true })[ownedMark] === true) return request;
  if (Object.isExtensible(request)) Object.defineProperty(request, ownedMark, markDescriptor);
  else frozenOwned.add(request);
  return request;
}

/**
 * Whether `request` was marked with {@link markOwned}.
 *
 * @example
 * ```ts
 * const mine = isOwned(request) ? request : cloneRequest(request);
 * ```
 */
export function isOwned(request: object): boolean {
  return (request as { [ownedMark]?: true })[ownedMark] === true || frozenOwned.has(request);
}
