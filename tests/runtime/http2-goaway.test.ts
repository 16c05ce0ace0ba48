/**
 * A peer's GOAWAY must not take a process down: a client closing its connection must not crash the server, and a
 * server shutting down must not crash its clients. On Deno 2.9 both did: the session was freed inside nghttp2's
 * GOAWAY callback (see runtime/http2-session-teardown.ts and client/session-teardown.ts). The children run with
 * glibc's allocator overwriting freed memory, which turns that use-after-free into a certain crash.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import * as http2 from "node:http2";
import { serveGrpc, spawnScript } from "../../runtime/mod.ts";

const perturbFreedMemory = { GLIBC_TUNABLES: "glibc.malloc.perturb=165" };

/** Opens a connection, makes one request, then ends the connection the way `how` says. */
async function visit(port: number, how: "close" | "destroy"): Promise<void> {
  const client = http2.connect(`http://127.0.0.1:${port}`);
  client.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    const request = client.request({ ":path": "/jina.JinaRPC/nothing", ":method": "POST", "content-type": "application/grpc" });
    request.on("response", () => {});
    request.on("data", () => {});
    request.on("close", resolve);
    request.on("error", reject);
    request.end();
  });
  const closed = new Promise((resolve) => client.once("close", resolve));
  if (how === "close") client.close();
  else client.destroy(undefined, http2.constants.NGHTTP2_CANCEL);
  await closed;
}

test("the gRPC server keeps serving while clients close and destroy their connections", async () => {
  const child = spawnScript(new URL("./fixtures/grpc-server.ts", import.meta.url), {
    env: perturbFreedMemory,
  });
  try {
    const port = await child.waitForLine((line) => (line.startsWith("port ") ? Number(line.slice(5)) : undefined));
    for (let i = 0; i < 6; i++) {
      await visit(port, i % 2 ? "destroy" : "close");
      await new Promise((resolve) => setTimeout(resolve, 50)); // lets the server read the GOAWAY before the next visit
      assert.not.ok(child.hasExited, `the server exited (${await Promise.race([child.exited, "?"])}) after visit ${i + 1}:\n${child.lastOutput()}`);
    }
    await visit(port, "close");
  } finally {
    const exit = await child.stop();
    assert.ok(exit === 0 || exit === 143 || exit === "SIGTERM", `exit ${exit}:\n${child.lastOutput()}`);
  }
});

test("a Client survives the gateway closing its connection", async () => {
  const server = await serveGrpc({ routes: () => {} });
  const child = spawnScript(new URL("./fixtures/grpc-client.ts", import.meta.url), { env: perturbFreedMemory, args: [String(server.port)] });
  try {
    await child.waitForLine((line) => (line === "connected" ? true : undefined));
    await server.close(); // sends GOAWAY on the client's open connection
    await child.waitForLine((line) => (line === "alive" ? true : undefined));
    assert.is(await child.exited, 0, child.lastOutput());
  } finally {
    await server.close();
    if (!child.hasExited) await child.stop(100);
  }
});

test.run();
