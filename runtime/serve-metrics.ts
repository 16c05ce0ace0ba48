/**
 * Serves a metrics exposition on its own HTTP port, as Python's `prometheus_client.start_http_server` does: any GET
 * path answers with the metrics (`/metrics` by convention), HEAD with the headers, other methods 405.
 *
 * @module
 */
import { serveHttp } from "./serve-http.ts";
import type { Server } from "./server.ts";

/**
 * Where the metrics port binds.
 *
 * @example
 * ```ts
 * const options: ServeMetricsOptions = { port: 9090, host: "0.0.0.0" };
 * ```
 */
export interface ServeMetricsOptions {
  /** Port to bind; 0 or undefined picks a free one. */
  port?: number | undefined;
  /** Host to bind; default 127.0.0.1. */
  host?: string | undefined;
}

/**
 * Something that can print its metrics (a prom-client `Registry` is one).
 *
 * @example
 * ```ts
 * const source: MetricsSource = { contentType: "text/plain; version=0.0.4", metrics: async () => "up 1\n" };
 * ```
 */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/**
 * Starts the metrics port.
 *
 * @example
 * ```ts
 * await using server = await serveMetrics(registry, { port: 0 });
 * const text = await (await fetch(`${server.url}/metrics`)).text();
 * ```
 */
export async function serveMetrics(source: MetricsSource, options: ServeMetricsOptions = {}): Promise<Server> {
  return await serveHttp({
    fetch: async (request) => {
      if (request.method !== "GET" && request.method !== "HEAD") {
        return new Response("Use GET /metrics\n", { status: 405, headers: { allow: "GET, HEAD" } });
      }
      return new Response(request.method === "HEAD" ? null : await source.metrics(), { headers: { "content-type": source.contentType } });
    },
    ...(options.port ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
  });
}
