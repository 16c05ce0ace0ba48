/**
 * Clients always settle (issue 14): when the gateway's connection ends without an answer — its process killed,
 * the socket destroyed — every pending call rejects with UNAVAILABLE (or CANCELLED), on every protocol, within a
 * bounded time, instead of staying pending forever.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Client } from "../../mod.ts";
import { JinaRPC, JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { serveGrpc, serveHttp, type Server } from "../../runtime/mod.ts";

const forever = (signal?: AbortSignal) =>
  new Promise<never>((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason), { once: true }));

/** A gateway that takes calls and never answers, on every protocol; `close()` drops every connection. */
async function blackHole(protocol: "grpc" | "http" | "websocket" | "connect"): Promise<Server> {
  const fetch = (request: Request) => forever(request.signal);
  if (protocol === "grpc" || protocol === "connect") {
    return await serveGrpc({
      routes: (router) => {
        router.service(JinaRPC, {
          async *call(requests, context) {
            for await (const _ of requests) { /* read, never answer */ }
            await forever(context.signal);
          },
        });
        router.service(JinaSingleDataRequestRPC, { process_single_data: (_request, context) => forever(context.signal) });
      },
      fallback: fetch,
    });
  }
  return await serveHttp({
    fetch,
    ...(protocol === "websocket" ? { websocket: { accept: () => ({ onMessage() {} }) } } : {}),
  });
}

for (const protocol of ["grpc", "http", "websocket", "connect"] as const) {
  test(`${protocol}: four calls in flight, the gateway's connections drop: all four reject with UNAVAILABLE or CANCELLED within 5 s`, async () => {
    const server = await blackHole(protocol);
    const client = new Client({ host: "127.0.0.1", port: server.port, protocol });
    try {
      const calls = Array.from({ length: 4 }, () => client.post("/slow", [{ text: "a" }]).then(() => "answered", (error) => error));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      await server.close();
      const settled = await Promise.race([
        Promise.all(calls),
        new Promise<"hang">((resolve) => setTimeout(() => resolve("hang"), 5000)),
      ]);
      assert.ok(settled !== "hang", `still pending ${Date.now() - started} ms after the connections dropped`);
      for (const outcome of settled as unknown[]) {
        const error = JinaError.from(outcome);
        assert.ok([ErrorCode.Unavailable, ErrorCode.Canceled].includes(error.code), `${protocol}: ${String(outcome)}`);
      }
    } finally {
      client.close();
      await server.close();
    }
  });
}

test.run();
