// `jina-ts flow --uses flow.yml` with shards, replicas, a when condition, uses_before, env substitution and
// in-process + process deployments answers over gRPC and HTTP; SIGINT stops it and every executor process.
import { readdirSync, readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Client, Document, DocumentArray } from "../../mod.ts";
import { isProcessAlive, spawnScript } from "../../runtime/mod.ts";
import { runtimeName, skipOn } from "../_setup.ts";

const cli = new URL("../../cli/main.ts", import.meta.url);
const env = { JINA_TS_GRPC_PORT: "0", JINA_TS_HTTP_PORT: "0", JINA_TS_DIM: "5", JINA_TS_FIXTURE_VALUE: "from-yaml-env" };

/**
 * The pids of the executor processes a flow process started: its direct children carrying JINA_PARENT_PID=<its pid>
 * (a child's own helpers, such as the TypeScript loader's esbuild service, inherit the variable but not the parent).
 */
function executorPids(parent: number): number[] {
  const marker = `JINA_PARENT_PID=${parent}`;
  const parentOf = (entry: string) => Number(readFileSync(`/proc/${entry}/stat`, "latin1").replace(/^.*\) /s, "").split(" ")[1]);
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return parentOf(entry) === parent && readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const hasProc = (() => {
  try {
    readdirSync("/proc/self");
    return true;
  } catch {
    return false;
  }
})();

skipOn(test, hasProc ? [] : ["node", "deno", "bun"], "jina-ts flow --uses 14-mixed.yml answers on gRPC and HTTP; SIGINT leaves no process", "needs /proc to find child processes", async () => {
  const child = spawnScript(cli, { args: ["flow", "--uses", "tests/config/fixtures/flows/14-mixed.yml"], env, keepLines: 100 });
  try {
    const ready = await child.waitForLine((line) =>
      line.startsWith("JINA_FLOW_READY ") ? (JSON.parse(line.slice("JINA_FLOW_READY ".length)) as { ports: number[] }) : undefined,
    );
    const pids = executorPids(child.pid);
    assert.is(pids.length, 4, "indexer × 2 shards, its uses_before and env run as processes; the encoder in process");
    const docs = () => new DocumentArray([new Document({ text: "hello", tags: { lang: "en" } }), new Document({ text: "hallo", tags: { lang: "de" } })]);
    for (const [index, protocol] of (["grpc", "http"] as const).entries()) {
      const client = new Client({ host: "127.0.0.1", port: ready.ports[index]!, protocol });
      try {
        const result = await client.post("/search", docs());
        const english = [...result].find((doc) => doc.tags.lang === "en")!;
        assert.equal(english.embedding!.shape, [5], `${protocol}: uses_with dim from \${{ ENV.JINA_TS_DIM }}`);
        assert.equal(english.tags.seen, ["indexer/uses_before"], `${protocol}: uses_before ran`);
        assert.type(english.tags.counts, "object", `${protocol}: the sharded indexer answered`);
        assert.is(english.tags.env, "from-yaml-env", `${protocol}: env substituted and passed to the process`);
        const german = [...result].find((doc) => doc.tags.lang === "de");
        assert.is(german?.tags.env, undefined, `${protocol}: the when condition kept German documents from "env"`);
      } finally {
        client.close();
      }
    }
    child.kill("SIGINT");
    const exit = await child.exited;
    // Deno's child_process reports a child that handled SIGINT and then exited 0 as "SIGINT" (measured with a
    // five-line script that prints in its handler and exits 0), so on Deno either is a clean stop.
    assert.ok(exit === 0 || (runtimeName() === "deno" && exit === "SIGINT"), `exit ${exit}`);
    for (let i = 0; i < 100 && pids.some((pid) => isProcessAlive(pid)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(pids.filter((pid) => isProcessAlive(pid)), [], "no executor process is left");
  } finally {
    await child.stop();
  }
});

test("jina-ts flow --uses a bad YAML exits 1 with file:line:col and starts nothing", async () => {
  const child = spawnScript(cli, { args: ["flow", "--uses", "tests/config/fixtures/flows/executor1/config.yml"], env });
  assert.is(await child.exited, 1);
  assert.match(child.lastOutput(), /config\.yml:2:1: top level: unknown key "jtype"|unknown key/);
});

test("jina-ts executor --uses an Executor YAML serves it, its values from the YAML", async () => {
  const child = spawnScript(cli, { args: ["executor", "--uses", "tests/config/fixtures/flows/executor1/config.yml", "--port", "0"] });
  try {
    const port = await child.waitForLine((line) => (line.startsWith("JINA_EXECUTOR_READY ") ? (JSON.parse(line.slice(20)) as { port: number }).port : undefined));
    const { Flow } = await import("../../mod.ts");
    await using flow = await new Flow().add({ name: "remote", external: true, host: "127.0.0.1", port }).start();
    const result = await flow.index([{ text: "x" }]);
    assert.equal(result.at(0)!.tags.seen, ["from-yaml"]);
  } finally {
    await child.stop();
  }
});

test.run();
