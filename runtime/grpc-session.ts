/**
 * The HTTP/2 session behind a lean gRPC transport (runtime/grpc-transport.ts): one at a time, opened on demand,
 * referenced (keeping the process alive) only while calls are in flight.
 *
 * Until the peer's SETTINGS arrive, Node and Deno assume it takes 100 streams at once and queue the rest; Bun assumes
 * no bound and opens every stream asked for. 400 calls at once on a new session to an executor allowing 256 then had
 * 144 streams refused, and a Bun executor closed the whole session after 100 refusals (ENHANCE_YOUR_CALM), failing
 * the calls it had taken too. On Bun, streams on a new session therefore wait for its SETTINGS ({@link
 * SessionHolder.whenReady}); from then on Bun queues streams over the peer's bound itself.
 *
 * @module
 */
import * as http2 from "node:http2";
import { runtimeName } from "./detect.ts";
import { deferHttp2SessionDestroy } from "./http2-session-teardown.ts";

/** Runs with the session once streams may be opened on it, or with `undefined` and why it closed before. */
export type SessionWaiter = (session: http2.ClientHttp2Session | undefined, error?: unknown) => void;

/**
 * One session at a time, opened on demand.
 *
 * @example
 * ```ts
 * const sessions = createSessionHolder("http://127.0.0.1:54321");
 * const session = sessions.ready(); // undefined while a new session waits for its SETTINGS (Bun)
 * if (session) session.request({ ":method": "POST", ":path": "/x" }).end();
 * else sessions.whenReady((later) => later?.request({ ":method": "POST", ":path": "/x" }).end());
 * ```
 */
export interface SessionHolder {
  /** The session if streams may be opened on it now (one is opened if there is none); undefined otherwise. */
  ready(): http2.ClientHttp2Session | undefined;
  /** Runs `run` once streams may be opened on the session (at once if they may now). */
  whenReady(run: SessionWaiter): void;
  /** A call started: the session keeps the process alive while any runs. */
  started(): void;
  /** A call ended. */
  ended(): void;
  /** Closes the session (calls in flight finish). */
  close(): void;
}

/**
 * The session's memory bound, in MB. Its default (10) counts the frames queued to send, so on Bun more than ~10 MB of
 * requests written at once (four 3 MB DataRequests) had new streams reset with ENHANCE_YOUR_CALM, and on Node answers
 * that began then (client/grpc-transport). What is queued is requests the caller already holds, bounded by the
 * gateway's request size and in-flight limits, so the bound guards nothing here (tests/runtime/grpc-transport: 24
 * calls of 3 MB at once).
 *
 * @example
 * ```ts
 * const streaming = createGrpcTransport({ baseUrl, nodeOptions: grpcSessionOptions });
 * ```
 */
export const grpcSessionOptions: http2.ClientSessionOptions = { maxSessionMemory: 1024 };

/** How long a new session waits for its peer's SETTINGS (on Bun) before it is given up. */
const settingsTimeoutMs = 10_000;

const waitsForSettings = runtimeName() === "bun";

/**
 * The session holder of one target.
 *
 * @example
 * ```ts
 * const sessions = createSessionHolder("http://127.0.0.1:54321");
 * sessions.whenReady((session, error) => console.log(session ? "ready" : error));
 * ```
 */
export function createSessionHolder(baseUrl: string): SessionHolder {
  deferHttp2SessionDestroy();
  let session: http2.ClientHttp2Session | undefined;
  // the calls waiting for the current session's SETTINGS; undefined once streams may be opened
  let waiting: SessionWaiter[] | undefined;
  let active = 0;

  const current = (): http2.ClientHttp2Session => {
    if (session && !session.closed && !session.destroyed) return session;
    const opened = http2.connect(baseUrl, grpcSessionOptions);
    let failure: unknown;
    opened.on("error", (error) => (failure = error)); // a failed session shows up as the errors of its streams
    opened.once("close", () => session === opened && (session = undefined));
    opened.once("goaway", () => session === opened && (session = undefined));
    if (active === 0) opened.unref?.();
    waiting = undefined;
    if (waitsForSettings) {
      const list: SessionWaiter[] = (waiting = []);
      const release = (error?: unknown) => {
        clearTimeout(timer);
        if (waiting === list) waiting = undefined;
        for (const run of list.splice(0)) run(error === undefined ? opened : undefined, error);
      };
      const timer = setTimeout(() => opened.destroy(new Error(`no HTTP/2 SETTINGS from ${baseUrl} within ${settingsTimeoutMs} ms`)), settingsTimeoutMs);
      timer.unref?.();
      opened.once("remoteSettings", () => release());
      opened.once("close", () => release(failure ?? new Error(`the HTTP/2 session to ${baseUrl} closed before its SETTINGS`)));
    }
    return (session = opened);
  };

  return {
    ready() {
      const opened = current();
      return waiting ? undefined : opened;
    },
    whenReady(run) {
      const opened = current();
      if (waiting) waiting.push(run);
      else run(opened);
    },
    started() {
      if (active++ === 0) session?.ref?.();
    },
    ended() {
      if (--active === 0) session?.unref?.();
    },
    close() {
      session?.close();
      session = undefined;
    },
  };
}
