/**
 * The gateway the fuzz suites attack: one in-memory executor "fuzz" that reads every tensor and embedding it gets
 * and upper-cases texts, behind a small request limit so over-size cases stay cheap.
 */
import { createGateway, type Gateway, type GatewayServeOptions } from "../../gateway/mod.ts";
import type { Server } from "../../runtime/mod.ts";
import { fakeExecutor } from "../gateway/fakes.ts";

/** The request limit of the fuzzed gateway. */
export const fuzzMaxRequestBytes = 64 * 1024;

/** A served fuzz gateway. */
export interface FuzzGateway {
  gateway: Gateway;
  server: Server;
  close(): Promise<void>;
}

/** Serves the fuzz gateway on port 0 over `protocol`. */
export async function serveFuzzGateway(protocol: GatewayServeOptions["protocol"]): Promise<FuzzGateway> {
  const fake = fakeExecutor("fuzz", ({ docs }) => {
    for (const doc of docs) {
      void doc.tensor?.toList();
      void doc.embedding?.shape;
      if (doc.text) doc.text = doc.text.toUpperCase();
    }
  });
  const gateway = createGateway({
    graph: { "start-gateway": ["fuzz"], fuzz: ["end-gateway"] },
    deployments: [{ name: "fuzz", shards: [[fake.transport]] }],
    maxRequestBytes: fuzzMaxRequestBytes,
  });
  const server = await gateway.serve({ protocol, port: 0 });
  return { gateway, server, close: async () => (await server.close(), await gateway.close()) };
}
