/**
 * A raw WebSocket client for tests: the runtime's global `WebSocket` (Deno, Bun), or the `ws` package on Node 20,
 * with the messages queued so a test can await them one by one, and the close code and reason.
 */

/** One open test socket. */
export interface Peer {
  /** The subprotocol the server agreed to ("" when none). */
  protocol: string;
  send(data: string | Uint8Array): void;
  /** The next message: a string for text, a Uint8Array for binary. Rejects when the socket closed first. */
  next(): Promise<string | Uint8Array>;
  /** Every message still queued (and those arriving) until the socket closes. */
  rest(): Promise<(string | Uint8Array)[]>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(code?: number, reason?: string): void;
}

type SocketClass = typeof WebSocket;

async function socketClass(): Promise<SocketClass> {
  const global = (globalThis as { WebSocket?: SocketClass }).WebSocket;
  if (global) return global;
  const ws = "ws";
  return ((await import(ws)) as { WebSocket: SocketClass }).WebSocket;
}

/** Opens a socket to `url` offering `protocols`; rejects when the handshake fails. */
export async function openPeer(url: string, protocols?: string | string[]): Promise<Peer> {
  const Socket = await socketClass();
  const socket = protocols === undefined ? new Socket(url) : new Socket(url, protocols);
  socket.binaryType = "arraybuffer";
  const queue: (string | Uint8Array)[] = [];
  let wake: (() => void) | undefined;
  let closeInfo: { code: number; reason: string } | undefined;
  let resolveClosed!: (info: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  socket.addEventListener("message", (event: MessageEvent) => {
    queue.push(typeof event.data === "string" ? event.data : new Uint8Array(event.data as ArrayBuffer));
    wake?.();
  });
  socket.addEventListener("close", (event: CloseEvent) => {
    closeInfo = { code: event.code, reason: event.reason };
    resolveClosed(closeInfo);
    wake?.();
  });
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", (event) => reject(new Error(`cannot open ${url}: ${(event as ErrorEvent).message ?? "error"}`)), { once: true });
  });
  const next = async (): Promise<string | Uint8Array> => {
    for (;;) {
      const item = queue.shift();
      if (item !== undefined) return item;
      if (closeInfo) throw new Error(`the socket closed (${closeInfo.code} ${closeInfo.reason}) before a message came`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  return {
    protocol: socket.protocol,
    send: (data) => socket.send(data as string | Uint8Array<ArrayBuffer>),
    next,
    async rest() {
      await closed;
      return queue.splice(0);
    },
    closed,
    close: (code, reason) => socket.close(code, reason),
  };
}
