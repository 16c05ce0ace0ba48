/**
 * How many calls a client opens at once on a connection the gateway has not answered on yet.
 *
 * Until an HTTP/2 session has the peer's SETTINGS, Node and Deno assume the peer takes 100 streams at once and queue
 * the rest; Bun assumes no bound and opens every stream asked for. 400 posts at once on a new Client to a gateway
 * allowing 256 streams then had 144 refused, and a gateway on Bun closed the session after 100 refusals
 * (ENHANCE_YOUR_CALM), failing every post. This gate holds calls over 100 until the gateway has answered one: its
 * SETTINGS came before any answer, and from then on the runtime queues streams over the gateway's bound itself. A
 * connection with no call open may be gone without the client knowing yet (the gateway restarted): the next calls
 * wait again for an answer.
 *
 * @module
 */

/**
 * A connection's opening gate.
 *
 * @example
 * ```ts
 * const gate = createOpeningGate();
 * await gate.enter(signal); // at once, unless 100 calls are open and none has been answered
 * try {
 *   for await (const response of call()) gate.answered();
 * } finally {
 *   gate.left();
 * }
 * ```
 */
export interface OpeningGate {
  /** Waits, while the connection has not answered, for one of `limit` places; rejects with the signal's reason. */
  enter(signal: AbortSignal): Promise<void>;
  /** The gateway answered a call: the gate stays open from now on (until {@link OpeningGate.renew}). */
  answered(): void;
  /** The connection may be new (none was open): calls over the limit wait again for an answer on it. */
  renew(): void;
  /** A call that entered has ended. */
  left(): void;
}

/**
 * Makes the opening gate of one connection.
 *
 * @example
 * ```ts
 * const gate = createOpeningGate(100);
 * ```
 */
export function createOpeningGate(limit = 100): OpeningGate {
  let open = 0;
  let proven = false;
  const waiting = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...waiting]) wake();
  };
  return {
    async enter(signal) {
      while (!proven && open >= limit) {
        signal.throwIfAborted();
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            signal.removeEventListener("abort", wake);
            resolve();
          };
          waiting.add(wake);
          signal.addEventListener("abort", wake, { once: true });
        });
      }
      signal.throwIfAborted();
      open++;
    },
    answered() {
      if (proven) return;
      proven = true;
      wakeAll();
    },
    renew() {
      proven = false;
    },
    left() {
      open--;
      if (!proven) wakeAll();
    },
  };
}
