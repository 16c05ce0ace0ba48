/**
 * HTTP/1.1 load for benchmarks: POSTs one JSON body over keep-alive connections (one per concurrent caller) with
 * node:http, and checks for a 200.
 *
 * @module
 */
import * as http from "node:http";

/** A caller that POSTs `body` to `http://127.0.0.1:<port><path>`; `close()` ends its connections. */
export function httpPoster(port: number, path: string, body: string, concurrency: number): { post(): Promise<void>; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const payload = Buffer.from(body);
  return {
    post: () =>
      new Promise<void>((resolve, reject) => {
        const request = http.request(
          { host: "127.0.0.1", port, path, method: "POST", agent, headers: { "content-type": "application/json", "content-length": payload.length } },
          (response) => {
            response.on("data", () => {});
            response.on("end", () => (response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`))));
          },
        );
        request.on("error", reject);
        request.end(payload);
      }),
    close: () => agent.destroy(),
  };
}
