// `jina-ts flow --uses flow.yml` with shards, replicas, a when condition, uses_before, env substitution and
// in-process + process deployments answers over gRPC and HTTP; SIGINT stops it and every executor process.
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { Client, Document, DocumentArray } from "../../mod.ts";
import { serveExecutor } from "../../executor/mod.ts";
import { isProcessAlive, spawnScript } from "../../runtime/mod.ts";
import { runtimeName, skipIf, skipOn } from "../_setup.ts";
import { makeTestCertificates } from "../fixtures/tls.ts";
import { ping } from "../../cli/ping.ts";
import { Tagger } from "../config/fixtures/executors.ts";
import { hasProc, markedChildren } from "../_processes.ts";

const cli = new URL("../../cli/main.ts", import.meta.url);
const env = { JINA_TS_GRPC_PORT: "0", JINA_TS_HTTP_PORT: "0", JINA_TS_DIM: "5", JINA_TS_FIXTURE_VALUE: "from-yaml-env" };

skipOn(test, hasProc ? [] : ["node", "deno", "bun"], "jina-ts flow --uses 14-mixed.yml answers on gRPC and HTTP; SIGINT leaves no process", "needs /proc to find child processes", async () => {
  const child = spawnScript(cli, { args: ["flow", "--uses", "tests/config/fixtures/flows/14-mixed.yml"], env, keepLines: 100 });
  try {
    const ready = await child.waitForLine((line) =>
      line.startsWith("JINA_FLOW_READY ") ? (JSON.parse(line.slice("JINA_FLOW_READY ".length)) as { ports: number[] }) : undefined,
    );
    const pids = markedChildren(child.pid, { direct: true });
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

/** Ports free right now (bound to 0 and released). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((done) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => done(server));
  })));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  return ports;
}

const certificates = makeTestCertificates();

skipIf(test, typeof certificates === "string" ? certificates : undefined, "jina-ts flow --uses 15-external.yml: external executors over gRPC and TLS, a local one on fixed replica and metrics ports", async () => {
  if (typeof certificates === "string") return;
  const plain = await serveExecutor(new Tagger({ label: "plain" }), { port: 0 });
  const secure = await serveExecutor(new Tagger({ label: "secure" }), { port: 0, tls: { cert: readFileSync(certificates.cert, "utf8"), key: readFileSync(certificates.key, "utf8") } });
  const [grpc, http, gatewayMetrics, local, localMetrics] = await freePorts(5);
  const child = spawnScript(cli, {
    args: ["flow", "--uses", "tests/config/fixtures/flows/15-external.yml"],
    keepLines: 100,
    env: {
      ...certificates.env, // the flow's gateway trusts the test CA, as a user's NODE_EXTRA_CA_CERTS would make it
      JINA_TS_GRPC_PORT: String(grpc),
      JINA_TS_HTTP_PORT: String(http),
      JINA_TS_GATEWAY_METRICS_PORT: String(gatewayMetrics),
      JINA_TS_PLAIN_PORT: String(plain.port),
      JINA_TS_TLS_PORT: String(secure.port),
      JINA_TS_LOCAL_PORT: String(local),
      JINA_TS_LOCAL_METRICS_PORT: String(localMetrics),
    },
  });
  try {
    const ready = await child.waitForLine((line) => (line.startsWith("JINA_FLOW_READY ") ? (JSON.parse(line.slice(16)) as { ports: number[] }) : undefined));
    assert.equal(ready.ports, [grpc, http]);
    for (const protocol of ["grpc", "http"] as const) {
      const client = new Client({ host: "127.0.0.1", port: protocol === "grpc" ? grpc! : http!, protocol });
      try {
        const docs = await client.post("/", [{ text: "x" }]);
        assert.equal(docs.at(0)!.tags.seen, ["plain", "secure", "local"], `${protocol}: external plain, external over TLS, local`);
      } finally {
        client.close();
      }
    }
    assert.ok(await ping("executor", `127.0.0.1:${local}`), "the local replica listens on its fixed port");
    assert.match(await (await fetch(`http://127.0.0.1:${localMetrics}/metrics`)).text(), /jina_successful_requests|jina_receiving_request_seconds/);
    assert.match(await (await fetch(`http://127.0.0.1:${gatewayMetrics}/metrics`)).text(), /jina_/);
  } finally {
    await child.stop();
    await Promise.all([plain.close(), secure.close()]);
  }
});

test("jina-ts flow --uses ./flow.ts (a module exporting the Flow) serves it; SIGINT exits 0; a module without a Flow exits 1", async () => {
  const child = spawnScript(cli, { args: ["flow", "--uses", "tests/cli/fixtures/flow.ts"], keepLines: 100 });
  try {
    const ready = await child.waitForLine((line) => (line.startsWith("JINA_FLOW_READY ") ? (JSON.parse(line.slice(16)) as { ports: number[] }) : undefined));
    const client = new Client({ host: "127.0.0.1", port: ready.ports[1]!, protocol: "http" });
    try {
      assert.equal((await client.post("/", [{ text: "x" }])).at(0)!.tags.seen, ["from-module"]);
    } finally {
      client.close();
    }
    child.kill("SIGINT");
    const exit = await child.exited;
    assert.ok(exit === 0 || (runtimeName() === "deno" && exit === "SIGINT"), `exit ${exit}`);
  } finally {
    await child.stop();
  }
  const none = spawnScript(cli, { args: ["flow", "--uses", "tests/cli/fixtures/boom.ts"] });
  assert.is(await none.exited, 1);
  assert.match(none.lastOutput(), /exports no Flow: export it as `export default new Flow\(\)…`/);
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
