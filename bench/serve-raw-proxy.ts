/**
 * Child process of bench/hop.ts: the baseline's middle hop, a raw node:http2 proxy that forwards each request body
 * to the echo server given as the first argument (one long-lived HTTP/2 session) and answers with its reply. Given
 * several ports (bench/replicas.ts' floor), it sends to them in turn (round-robin, as the gateway picks replicas).
 * Prints `BENCH_READY {"port":port}`.
 */
import * as http2 from "node:http2";
import { commandArgs } from "../runtime/mod.ts";

const upstreams = commandArgs().map((port) => http2.connect(`http://127.0.0.1:${port}`));
let next = 0;
const server = http2.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const forward = upstreams[next++ % upstreams.length]!.request({ ":method": "POST", ":path": "/echo", "content-type": "application/octet-stream" });
    const back: Buffer[] = [];
    forward.on("data", (chunk: Buffer) => back.push(chunk));
    forward.on("end", () => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(Buffer.concat(back));
    });
    forward.end(Buffer.concat(chunks));
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`BENCH_READY ${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
