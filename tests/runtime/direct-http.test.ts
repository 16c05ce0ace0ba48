/**
 * Direct HTTP routes (runtime/direct-http.ts): `serveHttp({ directRoutes })` answers them before the fetch handler
 * on every runtime, with the body read up to a limit, the Host's name, headers and a signal; other requests reach
 * the fetch handler. And the gateway's data routes taken that way: the flow works on the request in place (no
 * copy), while a failure still echoes the request as it came.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import * as net from "node:net";
import { Executor, Flow, requests } from "../../mod.ts";
import { createExecutorTransport } from "../../executor/mod.ts";
import { createGateway } from "../../gateway/mod.ts";
import { closedPort } from "../gateway/fakes.ts";
import type { DocumentArray } from "../../docarray/mod.ts";
import { type DirectRoute, serveHttp } from "../../runtime/mod.ts";

const echo: DirectRoute = async (request) => {
  const text = await request.text(64);
  if (text === undefined) return { status: 413, body: '{"tooLarge":true}' };
  return { status: 200, body: JSON.stringify({ text, host: request.hostname, type: request.header("content-type") ?? null, path: request.path }) };
};

async function withServer(run: (base: string) => Promise<void>): Promise<void> {
  const server = await serveHttp({
    fetch: () => new Response("fallback", { status: 299 }),
    directRoutes: (method, path) => (method === "POST" && path === "/echo" ? echo : undefined),
  });
  try {
    await run(`http://127.0.0.1:${server.port}`);
  } finally {
    await server.close();
  }
}

test("a direct route gets the body, the host name, headers and the path without its query", async () => {
  await withServer(async (base) => {
    const response = await fetch(`${base}/echo?x=1`, { method: "POST", body: "hello", headers: { "content-type": "text/plain" } });
    assert.is(response.status, 200);
    assert.is(response.headers.get("content-type"), "application/json");
    assert.equal(await response.json(), { text: "hello", host: "127.0.0.1", type: "text/plain", path: "/echo" });
  });
});

test("other methods and paths reach the fetch handler", async () => {
  await withServer(async (base) => {
    for (const [method, path] of [["GET", "/echo"], ["POST", "/other"], ["POST", "/echo/"]] as const) {
      const response = await fetch(`${base}${path}`, { method, ...(method === "POST" ? { body: "x" } : {}) });
      assert.is(response.status, 299, `${method} ${path}`);
      assert.is(await response.text(), "fallback");
    }
  });
});

test("a body over the limit is refused: by its Content-Length, and while streaming without one", async () => {
  await withServer(async (base) => {
    const declared = await fetch(`${base}/echo`, { method: "POST", body: "x".repeat(65) });
    assert.is(declared.status, 413);
    const chunks = ["x".repeat(40), "y".repeat(40)];
    const streamed = await fetch(`${base}/echo`, {
      method: "POST",
      body: new ReadableStream({ pull: (controller) => void (chunks.length ? controller.enqueue(new TextEncoder().encode(chunks.shift())) : controller.close()) }),
      duplex: "half",
    } as RequestInit);
    assert.is(streamed.status, 413);
    const fits = await fetch(`${base}/echo`, { method: "POST", body: "x".repeat(64) });
    assert.is(fits.status, 200);
  });
});

test("the connection stays usable for the next request (keep-alive)", async () => {
  await withServer(async (base) => {
    const port = Number(new URL(base).port);
    const socket = net.connect(port, "127.0.0.1");
    const request = (body: string) => `POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    let received = "";
    socket.on("data", (chunk) => (received += chunk));
    socket.write(request("one") + request("two"));
    for (let i = 0; i < 100 && (received.match(/HTTP\/1\.1 200/g) ?? []).length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    socket.destroy();
    assert.is((received.match(/HTTP\/1\.1 200/g) ?? []).length, 2);
    assert.ok(received.includes('"text":"one"') && received.includes('"text":"two"'));
    assert.ok(received.includes('"host":"localhost"'));
  });
});

class Stamp extends Executor {
  @requests()
  stamp({ docs }: { docs: DocumentArray }): void {
    for (const doc of docs) doc.text = `${doc.text}!`;
  }
}

test("gateway over HTTP: in-process stages change the request in place; CRUD routes and bad bodies answer as before", async () => {
  const flow = await new Flow({ protocol: "http" }).add({ name: "a", uses: Stamp }).add({ name: "b", uses: Stamp }).start();
  try {
    const base = `http://127.0.0.1:${flow.port}`;
    const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    const ok = await (await post("/post", { execEndpoint: "/stamp", data: [{ id: "d", text: "hi" }] })).json() as { data: { text: string }[] };
    assert.equal(ok.data.map((doc) => doc.text), ["hi!!"]);
    const crud = await (await post("/index", { data: [{ text: "x" }] })).json() as { data: { text: string }[] };
    assert.equal(crud.data.map((doc) => doc.text), ["x!!"]);
    const bad = await post("/post", { execEndpoint: "search" });
    assert.is(bad.status, 400);
  } finally {
    await flow.close();
  }
});

test("gateway over HTTP: a failure after an in-process stage changed the documents echoes them as they came", async () => {
  const gateway = createGateway({
    graph: { "start-gateway": ["a"], a: ["ghost"], ghost: ["end-gateway"] },
    deployments: [
      { name: "a", shards: [[createExecutorTransport(new Stamp())]] },
      { name: "ghost", shards: [[`grpc://127.0.0.1:${await closedPort()}`]], retries: 0 },
    ],
  });
  const server = await gateway.serve({ protocol: "http", port: 0 });
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/post`, {
      method: "POST",
      body: JSON.stringify({ header: { requestId: "r1" }, data: [{ id: "d1", text: "q" }] }),
      headers: { "content-type": "application/json" },
    });
    assert.is(response.status, 503);
    const json = await response.json() as { header: { requestId: string }; data: { id: string; text: string }[] };
    assert.is(json.header.requestId, "r1");
    assert.equal(json.data, [{ id: "d1", text: "q" }]);
  } finally {
    await server.close();
    await gateway.close();
  }
});

test.run();
