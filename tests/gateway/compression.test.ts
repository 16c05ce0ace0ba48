import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as http2 from "node:http2";
import { Client } from "../../client/mod.ts";
import { DocumentArray } from "../../docarray/mod.ts";
import { createExecutorRoutes, Executor, type HandlerArgs, requests } from "../../executor/mod.ts";
import { createGateway, type GatewayOptions } from "../../gateway/mod.ts";
import { ErrorCode, JinaError } from "../../proto/errors.ts";

class Upper extends Executor {
  @requests()
  upper({ docs }: HandlerArgs): void {
    for (const doc of docs) doc.text = doc.text?.toUpperCase();
  }
}

/** Serves Connect routes over h2c on port 0, writing down the `grpc-encoding` of every request it receives. */
async function serveRecording(routes: (router: ConnectRouter) => void, seen: (string | null)[]) {
  const record: Interceptor = (next) => (request) => {
    seen.push(request.header.get("grpc-encoding"));
    return next(request);
  };
  const server = http2.createServer(connectNodeAdapter({ routes, interceptors: [record] }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        setTimeout(() => {
          // Sessions kept open by clients do not hold the test up.
          (server as unknown as { closeAllSessions?: () => void }).closeAllSessions?.();
        }, 50);
      }),
  };
}

async function roundTrip(compression: "gzip" | "none") {
  const atExecutor: (string | null)[] = [];
  const atGateway: (string | null)[] = [];
  const executor = await serveRecording(createExecutorRoutes(new Upper()), atExecutor);
  const options: GatewayOptions = {
    graph: { "start-gateway": ["upper"], upper: ["end-gateway"] },
    deployments: [{ name: "upper", shards: [[`grpc://127.0.0.1:${executor.port}`]] }],
    compression,
  };
  const gateway = createGateway(options);
  const front = await serveRecording((router) => gateway.routes(router), atGateway);
  const client = new Client({ port: front.port, protocol: "grpc", compression });
  try {
    const docs = await client.post("/", new DocumentArray([{ text: "a".repeat(2000) }, { text: "small" }]), { requestSize: 1 });
    return { texts: docs.texts, atExecutor, atGateway };
  } finally {
    client.close();
    await gateway.close();
    await Promise.race([Promise.all([front.close(), executor.close()]), new Promise((resolve) => setTimeout(resolve, 500))]);
  }
}

test("compression: gzip compresses client → gateway and gateway → executor messages, and answers arrive intact", async () => {
  const { texts, atExecutor, atGateway } = await roundTrip("gzip");
  assert.equal(texts, ["A".repeat(2000), "SMALL"]);
  assert.ok(atGateway.length >= 1 && atGateway.every((encoding) => encoding === "gzip"), `gateway saw ${atGateway}`);
  assert.ok(atExecutor.length >= 2 && atExecutor.some((encoding) => encoding === "gzip"), `executor saw ${atExecutor}`);
});

test("compression: none (the default) sends uncompressed messages", async () => {
  const { texts, atExecutor, atGateway } = await roundTrip("none");
  assert.equal(texts, ["A".repeat(2000), "SMALL"]);
  assert.ok([...atGateway, ...atExecutor].every((encoding) => encoding === null || encoding === "identity"));
});

test("compression: an unknown value is refused naming the option, on the gateway and on the client", () => {
  const gatewayError = (() => {
    try {
      createGateway({ graph: { "start-gateway": ["end-gateway"] }, deployments: [], compression: "deflate" as never });
      return undefined;
    } catch (error) {
      return error;
    }
  })();
  assert.ok(gatewayError instanceof JinaError && gatewayError.code === ErrorCode.InvalidArgument);
  assert.match((gatewayError as Error).message, /compression must be "gzip" or "none", got "deflate"/);
  assert.throws(() => new Client({ port: 1, compression: "br" as never }), /"compression" must be "gzip" or "none", got "br"/);
});

test.run();
