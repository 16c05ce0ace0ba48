/**
 * Child process of bench/hop.ts: a raw node:http2 server that echoes the request body, the baseline hop.
 * Prints `BENCH_READY {"port":port}`.
 */
import * as http2 from "node:http2";

const server = http2.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end(Buffer.concat(chunks));
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`BENCH_READY ${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
