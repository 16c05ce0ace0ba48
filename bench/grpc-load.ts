/**
 * gRPC load for benchmarks: POSTs one framed message on a raw node:http2 session and reads the status from the
 * trailers (no client library in the measured path, so that every case pays the same client cost).
 *
 * @module
 */
import * as http2 from "node:http2";

/** A caller that POSTs `body` (already gRPC-framed) to `path` on `http://127.0.0.1:<port>`; `close()` ends the session. */
export function grpcPoster(port: number, path: string, body: Uint8Array): { post(): Promise<void>; close(): void } {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  return {
    post: () =>
      new Promise<void>((resolve, reject) => {
        const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
        let status: string | undefined;
        stream.on("response", (headers) => (status = headers["grpc-status"] as string | undefined));
        stream.on("trailers", (trailers) => (status = trailers["grpc-status"] as string | undefined));
        stream.on("data", () => {});
        stream.on("error", reject);
        stream.on("close", () => (status === undefined || status === "0" ? resolve() : reject(new Error(`grpc-status ${status}`))));
        stream.end(body);
      }),
    close: () => session.close(),
  };
}
