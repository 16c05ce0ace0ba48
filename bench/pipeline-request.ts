/**
 * What bench/pipeline.ts and bench/pipeline-ab.ts share: the 10-document JSON body every pipeline is sent, the
 * warm-up before the first rep, and a free port on 127.0.0.1 for a server that must be told its port (nats-server).
 *
 * @module
 */
import * as net from "node:net";
import { httpPoster } from "./http-load.ts";
import { measure } from "./measure.ts";

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

/**
 * Sends `requests` of the pipeline body to `/post` on 127.0.0.1:`port` at concurrency 32 and drops the figures: every
 * server (`name`) is warmed this way before the first rep, so that no rep measures a cold JIT.
 *
 * @example
 * ```ts
 * await warmPipeline("oursProcesses", server.info.http!, 1000);
 * ```
 */
export async function warmPipeline(name: string, port: number, requests: number): Promise<void> {
  const poster = httpPoster(port, "/post", pipelineBody, 32);
  try {
    await measure(name, poster.post, { concurrency: 32, requests, warmup: 0 });
  } finally {
    poster.close();
  }
}
