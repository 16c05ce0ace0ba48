/**
 * A value attached to plain objects that nobody else sees: not a property (a spread, `Object.keys`, JSON, an encoder
 * and `structuredClone` all miss it), and not a WeakMap entry. It is a class's private field installed on the object
 * itself (a base constructor that returns the object it is given makes the derived class's fields land on it), so
 * setting and reading it are inline-cached property operations. On the gateway's hop a WeakMap entry per request
 * cost measurably in garbage collection, and `Object.defineProperty` with a hidden symbol is a runtime call.
 * Objects that take no new field (frozen, sealed) keep their value in a WeakMap instead.
 *
 * @module
 */

/**
 * A hidden value per object (see the module's comment).
 *
 * @example
 * ```ts
 * const bytesOf = hiddenSlot<Uint8Array>();
 * const data = { documents: { case: undefined } };
 * bytesOf.set(data, new Uint8Array([1]));
 * bytesOf.get(data); // Uint8Array [1]
 * bytesOf.get({ ...data }); // undefined: a copy is not the object
 * ```
 */
export interface HiddenSlot<V> {
  /** The value set on `target`, or undefined. */
  get(target: object): V | undefined;
  /** Sets `target`'s value (undefined clears it). */
  set(target: object, value: V | undefined): void;
}

/** A base whose constructor returns its argument: a subclass's private fields are then installed on that object. */
class Returning {
  constructor(target: object) {
    return target;
  }
}

/**
 * Makes a new {@link HiddenSlot} (each slot is its own private field).
 *
 * @example
 * ```ts
 * const owned = hiddenSlot<true>();
 * owned.set(request, true);
 * owned.get(request); // true
 * ```
 */
export function hiddenSlot<V>(): HiddenSlot<V> {
  const fallback = new WeakMap<object, V | undefined>();
  class Slot extends Returning {
    #value: V | undefined;
    constructor(target: object, value: V | undefined) {
      super(target);
      this.#value = value;
    }
    static get(target: object): V | undefined {
      return #value in target ? (target as Slot).#value : fallback.get(target);
    }
    static set(target: object, value: V | undefined): void {
      if (#value in target) (target as Slot).#value = value;
      // Clearing a value never set: nothing to do (adding a slot to hold undefined cost a private field per call).
      else if (value === undefined) fallback.delete(target);
      else if (Object.isExtensible(target)) new Slot(target, value);
      else fallback.set(target, value);
    }
  }
  return { get: Slot.get, set: Slot.set };
}
