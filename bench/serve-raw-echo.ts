/**
 * Child process of bench/hop.ts: a raw node:http2 server that echoes the request body, the baseline hop. With the
 * argument `burn` (bench/replicas.ts' floor) it first does the Burner executor's work (bench/burn.ts).
 * Prints `BENCH_READY {"port":port}`.
 */
import * as http2 from "node:http2";
import { commandArgs } from "../runtime/mod.ts";
import { burn } from "./burn.ts";

const work = commandArgs()[0] === "burn";
const server = http2.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    if (work) burn();
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end(Buffer.concat(chunks));
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`BENCH_READY ${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
