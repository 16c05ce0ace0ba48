// Child of bench/idle-memory.ts, the baseline: a bare node process serving HTTP/2 on 127.0.0.1 (node:http2 loaded,
// as every jina-ts process has it). Prints `BENCH_READY {"port":port}`; stops on SIGTERM.
import { createServer } from "node:http2";

const server = createServer((_request, response) => response.end("{}"));
server.listen(0, "127.0.0.1", () => console.log(`BENCH_READY ${JSON.stringify({ port: server.address().port })}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
