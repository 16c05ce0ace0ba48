// `npm start` with a port that is already taken prints one line naming the environment variable to change and exits
// 1, instead of an error dump.
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnScript } from "../../runtime/mod.ts";

const start = new URL("../../examples/start.ts", import.meta.url);

test("a port clash under npm start is one line with the env var to change, and exit code 1", async () => {
  const holder = createServer();
  await new Promise<void>((done) => holder.listen(0, "127.0.0.1", done));
  const port = (holder.address() as { port: number }).port;
  const workspace = mkdtempSync(join(tmpdir(), "jina-ts-clash-"));
  const lines: string[] = [];
  try {
    const child = spawnScript(start, {
      args: ["--limit", "20", "--workspace", workspace, "--grpc-port", "0", "--websocket-port", "0"],
      env: { JINA_HTTP_PORT: String(port) },
      onLine: (line) => lines.push(line),
    });
    const code = await child.exited;
    const text = lines.join("\n");
    assert.is(code, 1, text);
    const clash = lines.filter((line) => line.includes("already in use"));
    assert.equal(clash, [`Port ${port} is already in use: set JINA_HTTP_PORT (or --http-port) to a free port, or stop what holds it.`], text);
    assert.not.match(text, /\n\s+at /, "no stack trace");
  } finally {
    holder.close();
    rmSync(workspace, { recursive: true, force: true });
  }
});

test.run();
