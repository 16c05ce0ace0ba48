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
import { hiddenSlot } from "./hidden-slot.ts";

/**
 * The mark: a hidden slot (`hidden-slot.ts`), so that a spread or clone of a marked request is not marked (as a copy
 * is not what the holder handed on) and no encoder or JSON writer sees it. A WeakSet did the same at ~25× the cost per
 * mark (garbage collection of its entries); a non-enumerable symbol property set with `Object.defineProperty` was the
 * gateway's costliest function of its own on the gRPC hop (three marks per request).
 */
const owned = hiddenSlot<true>();

/**
 * Marks `request` as owned by whoever receives it (it may be changed in place); returns it.
 *
 * @example
 * ```ts
 * await send(markOwned(requestWith(part.request, part.request.header, parameters, part.request.routes)));
 * ```
 */
export function markOwned<T extends object>(request: T): T {
  owned.set(request, true);
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
  return owned.get(request) === true;
}
