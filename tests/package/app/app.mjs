// The smoke test's app: one executor in process, one in its own process (a relative `uses`, resolved against
// this file), a post over gRPC and one over HTTP. Prints "smoke ok" and exits 0.
import { Client, Flow } from "jina-ts";
import { Upper } from "./executors.mjs";

const flow = await new Flow({ protocol: ["grpc", "http"] })
  .add({ name: "upper", uses: Upper })
  .add({ name: "tagger", uses: "./executors.mjs#Tagger" })
  .start();
try {
  for (const [i, protocol] of ["grpc", "http"].entries()) {
    const client = new Client({ host: `${protocol}://127.0.0.1:${flow.ports[i]}` });
    const docs = await client.post("/run", [{ text: `hello ${protocol}` }]);
    client.close();
    const doc = docs.at(0);
    if (doc?.text !== `HELLO ${protocol.toUpperCase()}` || !doc.tags.pid || doc.tags.pid === process.pid) {
      throw new Error(`unexpected answer over ${protocol}: ${JSON.stringify(docs.toJSON())}`);
    }
  }
  console.log("smoke ok");
} finally {
  await flow.close();
}
