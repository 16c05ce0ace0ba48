/**
 * Child process of bench/pipeline.ts: the floor of one process on Node's own HTTP server, with no framework: a bare
 * node:http server that parses each POST body as JSON and answers it back (`JSON.stringify`). Prints
 * `BENCH_READY {"http":port}`; stops on SIGTERM.
 */
import * as http from "node:http";

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.from(JSON.stringify(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`BENCH_READY ${JSON.stringify({ http: typeof address === "object" && address ? address.port : 0 })}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
