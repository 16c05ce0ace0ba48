import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { executorFlagsOf, executorOptionsOf, formatReadyLine, loadExecutorClass, parseExecutorArgs, parseReadyLine } from "../../executor/mod.ts";
import { JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import { absolutePath, type ChildHandle, spawnScript } from "../../runtime/mod.ts";
import { runtimeName } from "../_setup.ts";
import { Closer } from "./fixtures/executors.ts";

const main = new URL("../../executor/main.ts", import.meta.url);
const fixtures = "./tests/executor/fixtures/executors.ts";

/** Spawns executor/main.ts; resolves with the child and the port of its ready line, or the exit code. */
function spawnMain(args: string[], env: Record<string, string> = {}) {
  const child: ChildHandle = spawnScript(main, { args, env });
  const outcome = child.waitForLine((line) => parseReadyLine(line)?.port).then(
    (port) => ({ port }),
    async () => ({ exited: await child.exited }),
  );
  return { child, outcome };
}

test("executorFlagsOf writes what parseExecutorArgs reads back, and both forms give the same constructor options", () => {
  const settings = {
    name: "enc", workspace: "/tmp/ws", podName: "enc/shard-1/rep-0", shardId: 1, shards: 2, replicas: 3,
    usesWith: { dim: 8 }, usesMetas: { description: "d" }, usesRequests: { "/x": "encode" },
    usesDynamicBatching: { "/x": { preferredBatchSize: 4, timeout: 20 } },
  };
  const parsed = parseExecutorArgs(["--uses", "./e.ts#E", "--port", "0", ...executorFlagsOf(settings)]);
  assert.equal({ ...parsed, uses: undefined, host: undefined, port: undefined }, { ...settings, uses: undefined, host: undefined, port: undefined });
  assert.equal(executorOptionsOf(parsed), executorOptionsOf(settings));
  assert.equal(executorOptionsOf(settings), {
    dim: 8,
    metas: { name: "enc", workspace: "/tmp/ws", description: "d" },
    runtimeArgs: { name: "enc/shard-1/rep-0", shardId: 1, shards: 2, replicas: 3, workspace: "/tmp/ws" },
    requests: { "/x": "encode" },
    dynamicBatching: { "/x": { preferredBatchSize: 4, timeout: 20 } },
  });
});

test("formatReadyLine and parseReadyLine round-trip; other lines are not ready lines", () => {
  assert.equal(parseReadyLine(formatReadyLine(51234)), { port: 51234 });
  assert.equal(parseReadyLine(`  ${formatReadyLine(1)}  `), { port: 1 });
  assert.is(parseReadyLine("JINA_EXECUTOR_READY {oops"), undefined);
  assert.is(parseReadyLine("listening on 1234"), undefined);
});

test("parseExecutorArgs reads the flow's flags and names a bad one", () => {
  const args = parseExecutorArgs([
    "--uses", "./x.ts#X", "--name", "x", "--port", "0", "--shard-id", "1", "--shards", "2", "--replicas", "3",
    "--workspace", "/ws", "--pod-name", "x/shard-1/rep-0", "--uses-with", '{"a":1}', "--uses-metas", "{}", "--uses-requests", '{"/a":"m"}',
  ]);
  assert.equal(args, {
    uses: "./x.ts#X", name: "x", host: "127.0.0.1", port: 0, shardId: 1, shards: 2, replicas: 3, workspace: "/ws",
    podName: "x/shard-1/rep-0", usesWith: { a: 1 }, usesMetas: {}, usesRequests: { "/a": "m" },
  });
  const batched = parseExecutorArgs(["--uses", "./x.ts#X", "--uses-dynamic-batching", '{"/embed":{"preferred_batch_size":8,"timeout":20}}']);
  assert.equal(batched.usesDynamicBatching, { "/embed": { preferred_batch_size: 8, timeout: 20 } });
  assert.throws(() => parseExecutorArgs(["--uses", "a.ts", "--uses-dynamic-batching", "3"]), /--uses-dynamic-batching must be a JSON object/);
  assert.throws(() => parseExecutorArgs([]), /--uses is required/);
  assert.throws(() => parseExecutorArgs(["--uses", "a.ts", "--port", "x"]), /--port/);
  assert.throws(() => parseExecutorArgs(["--uses", "a.ts", "--uses-with", "[1]"]), /--uses-with must be a JSON object/);
  assert.throws(() => parseExecutorArgs(["--uses", "a.ts", "--bogus", "1"]), /bogus/);
});

test("loadExecutorClass finds a named export, and names the specifier and resolved path of a missing file", async () => {
  assert.is(await loadExecutorClass(`${fixtures}#Closer`), Closer);
  try {
    await loadExecutorClass("./tests/executor/fixtures/no-such-file.ts#Ghost");
    assert.unreachable();
  } catch (error) {
    const message = (error as Error).message;
    assert.match(message, /no-such-file\.ts/);
    assert.ok(message.includes(absolutePath("./tests/executor/fixtures/no-such-file.ts")), message);
  }
});

test("loadExecutorClass refuses a Jina Hub uses (no Hub client, no network) instead of looking for a file", async () => {
  const error = await loadExecutorClass("jinahub://SimpleIndexer").catch((caught: Error) => caught);
  assert.match((error as Error).message, /Cannot load executor: uses "jinahub:\/\/SimpleIndexer": Jina Hub and docker executors cannot run in jina-ts \(it has no Hub client, downloads nothing over the network/);
});

test("loadExecutorClass names a missing class and lists the module's Executor subclasses", async () => {
  for (const uses of [`${fixtures}#Missing`, `${fixtures}#NotAnExecutor`, fixtures]) {
    try {
      await loadExecutorClass(uses);
      assert.unreachable(uses);
    } catch (error) {
      const message = (error as Error).message;
      if (uses.includes("#")) assert.match(message, new RegExp(uses.split("#")[1]!));
      assert.match(message, /Closer, Upper|Upper, Closer|Closer/);
      assert.match(message, /Upper/);
      assert.match(message, /Returns/);
      assert.not.match(message, /: .*NotAnExecutor, /);
    }
  }
});

test("main.ts serves the class with usesWith/metas/runtimeArgs, prints the ready line, and on SIGTERM closes the executor and exits 0", async () => {
  const workspace = mkdtempSync(join(tmpdir(), "jina-ts-main-"));
  const { child, outcome } = spawnMain([
    "--uses", `${fixtures}#Closer`, "--name", "closer", "--pod-name", "closer/rep-0", "--port", "0",
    "--workspace", workspace, "--uses-with", JSON.stringify({ tag: "spawned" }), "--uses-metas", "{}",
  ]);
  try {
    const result = await outcome;
    assert.ok("port" in result, `exited early: ${child.lastOutput()}`);
    const url = `http://127.0.0.1:${(result as { port: number }).port}`;
    const sessions = new Http2SessionManager(url);
    try {
      const client = createClient(JinaSingleDataRequestRPC, createGrpcTransport({ baseUrl: url, sessionManager: sessions }));
      const response = await client.process_single_data(createDataRequest({ endpoint: "/tag", docs: new DocumentArray([new Document({ text: "a" })]) }));
      assert.equal(docsOf(response).at(0)?.tags, { tag: "spawned", name: "closer", pod: "closer/rep-0", shard: 0 });
    } finally {
      sessions.abort();
    }
    const code = await child.stop(10_000);
    // Deno's node:child_process reports the signal it sent ("SIGTERM") even when the child handled it and exited 0.
    assert.ok(code === 0 || (runtimeName() === "deno" && code === "SIGTERM"), `exit ${code}: ${child.lastOutput()}`);
    assert.ok(existsSync(join(workspace, "closer", "0", "closed.txt")), "close() wrote its file");
  } finally {
    await child.stop(1000);
    rmSync(workspace, { recursive: true, force: true });
  }
});

test("main.ts exits when the parent named by JINA_PARENT_PID is gone", async () => {
  const { child, outcome } = spawnMain(["--uses", `${fixtures}#Upper`, "--port", "0"], { JINA_PARENT_PID: "2147483646" });
  try {
    const result = await outcome;
    assert.ok("port" in result, `exited early: ${child.lastOutput()}`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise((resolve) => (timer = setTimeout(() => resolve("still running"), 15_000)));
    const code = await Promise.race([child.exited, deadline]);
    clearTimeout(timer);
    assert.is(code, 0, child.lastOutput());
  } finally {
    await child.stop(1000);
  }
});

test("main.ts prints a clear error and exits non-zero for a missing file and for a missing class", async () => {
  const missingFile = spawnMain(["--uses", "./tests/executor/fixtures/no-such-file.ts#Ghost"]);
  const missingClass = spawnMain(["--uses", `${fixtures}#NoSuchClass`]);
  const [file, cls] = await Promise.all([missingFile.outcome, missingClass.outcome]);
  assert.ok("exited" in file && file.exited !== 0);
  assert.match(missingFile.child.lastOutput(), /no-such-file\.ts/);
  assert.ok(missingFile.child.lastOutput().includes(absolutePath("./tests/executor/fixtures/no-such-file.ts")));
  assert.ok("exited" in cls && cls.exited !== 0);
  assert.match(missingClass.child.lastOutput(), /NoSuchClass/);
  assert.match(missingClass.child.lastOutput(), /Closer/);
});

test.run();
