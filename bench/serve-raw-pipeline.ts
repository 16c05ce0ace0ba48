/**
 * Child process of bench/pipeline.ts: the floor of a 3-process HTTP pipeline on Node's own servers, with no framework
 * and no codec. A bare node:http front forwards each POST body, as bytes, to three raw node:http2 echo processes in
 * turn (bench/serve-raw-echo.ts, one long-lived session each) and answers with the last echo. What jina-ts's gateway
 * and executors cost beyond this is theirs; what this costs is node:http + node:http2's. Prints
 * `BENCH_READY {"http":port}`; stops on SIGTERM.
 */
import * as http from "node:http";
import * as http2 from "node:http2";
import { startChild, stopAll } from "./children.ts";

const echoes = await Promise.all([1, 2, 3].map(() => startChild("./serve-raw-echo.ts")));
const sessions = echoes.map((echo) => http2.connect(`http://127.0.0.1:${echo.info.port}`));

function hop(session: http2.ClientHttp2Session, body: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":method": "POST", ":path": "/echo", "content-type": "application/octet-stream" });
    const back: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => back.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(back) as Buffer));
    stream.on("error", reject);
    stream.end(body);
  });
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", async () => {
    let body: Uint8Array = Buffer.concat(chunks);
    for (const session of sessions) body = await hop(session, body);
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`BENCH_READY ${JSON.stringify({ http: typeof address === "object" && address ? address.port : 0 })}`);
});
process.on("SIGTERM", () => {
  for (const session of sessions) session.close();
  void stopAll(echoes).then(() => server.close(() => process.exit(0)));
});
