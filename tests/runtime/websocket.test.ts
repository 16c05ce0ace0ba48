import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { offeredProtocols, serveHttp, type ServeWebSocketOptions, type Server, type WebSocketHandler } from "../../runtime/mod.ts";
import { openPeer } from "./websocket-peer.ts";

function wsUrl(server: Server, path = "/"): string {
  return `${server.url.replace(/^http/, "ws")}${path}`;
}

/** Echoes every message; says hello on open; records how it closed. */
function echo(protocol?: string): WebSocketHandler & { closes: { code: number; reason: string }[] } {
  const closes: { code: number; reason: string }[] = [];
  return {
    protocol,
    closes,
    onOpen: (socket) => socket.send(`hello ${socket.protocol || "none"}`),
    onMessage: (socket, data) => socket.send(data),
    onClose: (code, reason) => void closes.push({ code, reason }),
  };
}

async function serve(websocket: ServeWebSocketOptions): Promise<Server> {
  return await serveHttp({ fetch: (request) => new Response(`plain ${new URL(request.url).pathname}`, { status: new URL(request.url).pathname === "/missing" ? 404 : 200 }), websocket });
}

test("text and binary messages echo, and the same port answers plain HTTP", async () => {
  const handler = echo();
  const server = await serve({ accept: () => handler });
  try {
    const peer = await openPeer(wsUrl(server, "/ws"));
    assert.is(await peer.next(), "hello none");
    peer.send("héllo");
    assert.is(await peer.next(), "héllo");
    peer.send(new Uint8Array([0, 1, 2, 255]));
    const binary = await peer.next();
    assert.instance(binary, Uint8Array);
    assert.equal([...(binary as Uint8Array)], [0, 1, 2, 255]);
    peer.close(1000, "bye");
    assert.is((await peer.closed).code, 1000);
    assert.is(await (await fetch(`${server.url}/status`)).text(), "plain /status");
    for (let i = 0; i < 50 && handler.closes.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(handler.closes, [{ code: 1000, reason: "bye" }]);
  } finally {
    await server.close();
  }
});

test("the subprotocol the handler picks is answered only when the client offered it", async () => {
  const server = await serve({
    accept: (request) => {
      const offered = offeredProtocols(request);
      return echo(offered.includes("bytes") ? "bytes" : offered.length ? "nope" : "json");
    },
  });
  try {
    const bytes = await openPeer(wsUrl(server), ["json", "bytes"]);
    assert.is(bytes.protocol, "bytes");
    assert.is(await bytes.next(), "hello bytes");
    bytes.close();
    const none = await openPeer(wsUrl(server));
    assert.is(none.protocol, "");
    assert.is(await none.next(), "hello none");
    none.close();
    await Promise.all([bytes.closed, none.closed]);
  } finally {
    await server.close();
  }
});

test("accept returning undefined lets fetch answer; a Response refuses the upgrade", async () => {
  const server = await serve({
    accept: (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/forbidden") return new Response("no", { status: 403 });
      return path === "/ws" ? echo() : undefined;
    },
  });
  try {
    for (const path of ["/missing", "/forbidden"]) {
      let failed = false;
      try {
        const peer = await openPeer(wsUrl(server, path));
        peer.close();
      } catch {
        failed = true;
      }
      assert.ok(failed, `${path} must not open`);
    }
    const peer = await openPeer(wsUrl(server, "/ws"));
    assert.is(await peer.next(), "hello none");
    peer.close();
    await peer.closed;
  } finally {
    await server.close();
  }
});

test("a message over maxMessageBytes closes the socket with 1009; smaller ones pass", async () => {
  const handler = echo();
  const server = await serve({ accept: () => handler, maxMessageBytes: 1024 });
  try {
    const peer = await openPeer(wsUrl(server));
    await peer.next();
    peer.send(new Uint8Array(1024).fill(7));
    assert.is(((await peer.next()) as Uint8Array).byteLength, 1024);
    peer.send("x".repeat(1000));
    assert.is(((await peer.next()) as string).length, 1000);
    peer.send(new Uint8Array(4096));
    assert.is((await peer.closed).code, 1009);
  } finally {
    await server.close();
  }
});

test("the server closes with a code and a reason cut to 123 bytes; close() of the server ends open sockets", async () => {
  const server = await serve({
    accept: () => ({
      onMessage: (socket, data) => {
        if (data === "close") socket.close(4000, "é".repeat(200));
      },
    }),
  });
  const first = await openPeer(wsUrl(server));
  first.send("close");
  const closed = await first.closed;
  assert.is(closed.code, 4000);
  assert.ok(new TextEncoder().encode(closed.reason).byteLength <= 123, closed.reason);
  assert.ok(closed.reason.startsWith("éé"));
  const second = await openPeer(wsUrl(server));
  await server.close();
  const code = (await second.closed).code;
  assert.ok(code === 1001 || code === 1006, `closed with ${code}`);
  const again = await serveHttp({ fetch: () => new Response("again"), port: server.port });
  await again.close();
});

test("a handler that throws closes its socket with 1011", async () => {
  const server = await serve({
    accept: () => ({
      onMessage: () => {
        throw new Error("handler broke");
      },
    }),
  });
  try {
    const peer = await openPeer(wsUrl(server));
    peer.send("x");
    const closed = await peer.closed;
    assert.is(closed.code, 1011);
    assert.match(closed.reason, "handler broke");
  } finally {
    await server.close();
  }
});

test("a socket with no message either way for idleTimeoutMs is closed with 1001; a busy one stays open", async () => {
  let busy = false;
  const server = await serveHttp({
    fetch: () => new Response("plain"),
    websocket: { accept: () => ({ ...echo(), busy: () => busy }) },
    limits: { idleTimeoutMs: 400 },
  });
  try {
    const idle = await openPeer(wsUrl(server));
    assert.is(await idle.next(), "hello none");
    const started = Date.now();
    const closed = await idle.closed;
    assert.is(closed.code, 1001);
    assert.match(closed.reason, /idle for 400 ms/);
    assert.ok(Date.now() - started < 3000, `closed after ${Date.now() - started} ms`);
    busy = true;
    const working = await openPeer(wsUrl(server));
    assert.is(await working.next(), "hello none");
    const outcome = await Promise.race([working.closed.then(() => "closed"), new Promise((resolve) => setTimeout(() => resolve("open"), 1500))]);
    assert.is(outcome, "open", "a busy socket is not idle");
    working.close();
  } finally {
    await server.close();
  }
});

test.run();
