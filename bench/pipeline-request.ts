/**
 * What bench/pipeline.ts and bench/pipeline-ab.ts share: the 10-document JSON body every pipeline is sent, and a
 * free port on 127.0.0.1 for a server that must be told its port (nats-server).
 *
 * @module
 */
import * as net from "node:net";

/** The request body of the pipeline benches: 10 documents with text and tags, endpoint `/`. */
export const pipelineBody: string = JSON.stringify({
  data: Array.from({ length: 10 }, (_, i) => ({ id: `doc-${i}`, text: `document number ${i} of the pipeline bench`, tags: { i, lang: "en" } })),
  execEndpoint: "/",
});

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
