/**
 * Child process of bench/replicas.ts: the floor of a CPU-bound replica, a raw node:http2 server that does the same
 * work as bench/cpu-executor.ts (`BENCH_WORK_MS` of arithmetic, default 20) per request, then echoes the body.
 * Prints `BENCH_READY {"port":port}`.
 */
import * as http2 from "node:http2";
import { burn } from "./burn.ts";

const server = http2.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    burn();
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end(Buffer.concat(chunks));
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`BENCH_READY ${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
