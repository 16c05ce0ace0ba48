import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createConnectRouter, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { create } from "@bufbuild/protobuf";
import { JinaInfoRPC, JinaInfoProtoSchema } from "../../proto/gen/jina_pb.ts";
import { serveGrpc, serveHttp, runtimeName } from "../../runtime/mod.ts";
import { JinaError } from "../../proto/errors.ts";

test("serveHttp binds 127.0.0.1 on a free port and answers", async () => {
  const server = await serveHttp({ fetch: () => new Response(`hello from ${runtimeName()}`) });
  try {
    assert.is(server.host, "127.0.0.1");
    assert.ok(server.port > 0);
    const text = await (await fetch(`${server.url}/`)).text();
    assert.is(text, `hello from ${runtimeName()}`);
  } finally {
    await server.close();
  }
});

test("serveHttp frees its port on close", async () => {
  const first = await serveHttp({ fetch: () => new Response("a") });
  const port = first.port;
  await first.close();
  const second = await serveHttp({ fetch: () => new Response("b"), port });
  assert.is(second.port, port);
  await second.close();
});

test("a port in use gives an error naming the port", async () => {
  const first = await serveHttp({ fetch: () => new Response("a") });
  try {
    for (const start of [() => serveHttp({ fetch: () => new Response("b"), port: first.port }), () => serveGrpc({ routes: () => {}, port: first.port })]) {
      try {
        const extra = await start();
        await extra.close();
        assert.unreachable("should have thrown");
      } catch (error) {
        assert.instance(error, JinaError);
        assert.match((error as Error).message, String(first.port));
        assert.match((error as Error).message, /in use/);
      }
    }
  } finally {
    await first.close();
  }
});

test("serveGrpc answers gRPC and falls back to the fetch handler", async () => {
  const server = await serveGrpc({
    routes: (router) =>
      router.service(JinaInfoRPC, { _status: () => create(JinaInfoProtoSchema, { jina: { runtime: runtimeName() } }) }),
    fallback: () => new Response("fallback"),
  });
  try {
    const client = createClient(JinaInfoRPC, createGrpcTransport({ baseUrl: server.url }));
    const info = await client._status({});
    assert.is(info.jina.runtime, runtimeName());
  } finally {
    await server.close();
  }
});

void createConnectRouter;
test.run();
