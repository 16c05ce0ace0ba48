import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Flow } from "../../mod.ts";
import { parseAddress } from "../../cli/address.ts";
import { ping } from "../../cli/ping.ts";
import { parseReadyLine } from "../../executor/mod.ts";
import { spawnScript } from "../../runtime/mod.ts";
import { BatchSizer, PodTagger } from "../flow/fixtures/executors.ts";
import { executorFlags } from "../../executor/mod.ts";
import { flowReadyLines } from "../../cli/flow-command.ts";
import * as pingCommand from "../../cli/ping-command.ts";
import * as postCommand from "../../cli/post-command.ts";
import * as flowCommand from "../../cli/flow-command.ts";

async function output(args: string[]): Promise<{ code: number | string; text: string }> {
  const lines: string[] = [];
  const child = spawnScript(cli, { args, onLine: (line) => lines.push(line), keepLines: 200 });
  const code = await child.exited;
  return { code, text: lines.join("\n") };
}

const cli = new URL("../../cli/main.ts", import.meta.url);

test("parseAddress reads host:port and the four schemes, and names a bad address", () => {
  assert.equal(parseAddress("127.0.0.1:8081"), { scheme: "grpc", tls: false, host: "127.0.0.1", port: 8081 });
  assert.equal(parseAddress("grpcs://a.b:1"), { scheme: "grpc", tls: true, host: "a.b", port: 1 });
  assert.equal(parseAddress("http://[::1]:80/"), { scheme: "http", tls: false, host: "::1", port: 80 });
  assert.throws(() => parseAddress("localhost"), /"localhost" is not an address/);
  assert.throws(() => parseAddress("ftp://a:1"), /not an address/);
  assert.throws(() => parseAddress("a:70000"), /not an address/);
});

test("jina-ts executor serves a class and prints both ready lines; ping executor sees it ready, and a closed port not", async () => {
  const human: string[] = [];
  const child = spawnScript(cli, {
    args: ["executor", "--uses", "./tests/flow/fixtures/executors.ts#PodTagger", "--port", "0"],
    onLine: (line) => line.startsWith("executor ") && human.push(line),
  });
  try {
    const port = await child.waitForLine((line) => parseReadyLine(line)?.port);
    for (let i = 0; i < 50 && human.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match(human.join("\n"), new RegExp(`^executor \\S+ ready: grpc://127\\.0\\.0\\.1:${port} `));
    const lines: string[] = [];
    assert.ok(await ping("executor", `127.0.0.1:${port}`, { attempts: 2 }, (line) => lines.push(line)));
    assert.is(lines.length, 2);
    assert.match(lines[0]!, /ready/);
  } finally {
    await child.stop();
  }
  assert.not.ok(await ping("executor", "127.0.0.1:1", { timeoutMs: 1000 }));
});

test("ping gateway and ping flow answer for a running flow on gRPC and HTTP", async () => {
  await using flow = await new Flow({ protocol: ["grpc", "http"] }).add({ name: "tagger", uses: PodTagger }).start();
  const [grpcPort, httpPort] = flow.ports;
  assert.ok(await ping("gateway", `grpc://127.0.0.1:${grpcPort}`));
  assert.ok(await ping("gateway", `http://127.0.0.1:${httpPort}`));
  assert.ok(await ping("flow", `127.0.0.1:${grpcPort}`));
  assert.ok(await ping("flow", `http://127.0.0.1:${httpPort}`));
});

test("an unknown command exits 2 with the usage", async () => {
  const child = spawnScript(cli, { args: ["frobnicate"] });
  assert.is(await child.exited, 2);
  assert.match(child.lastOutput(), /unknown command "frobnicate"/);
  assert.match(child.lastOutput(), /^  ping /m);
});

test("every command's --help lists every flag it parses, and jina-ts --help lists every command", async () => {
  const help = await output(["--help"]);
  assert.is(help.code, 0);
  for (const name of ["executor", "flow", "ping", "post"]) assert.match(help.text, new RegExp(`^  ${name} `, "m"));
  const executor = await output(["executor", "--help"]);
  assert.is(executor.code, 0);
  assert.not.match(executor.text, /main\.ts/);
  for (const flag of Object.keys(executorFlags)) assert.match(executor.text, new RegExp(`--${flag}\\b`), flag);
  for (const command of [pingCommand, postCommand, flowCommand]) {
    for (const flag of Object.keys(command.flags)) assert.match(command.usage, new RegExp(`--${flag}\\b`), `${command.name} --${flag}`);
    assert.match(command.usage, /--help/);
  }
  const post = await output(["help", "post"]);
  assert.match(post.text, /--results FILE\.json/);
});

test("a bad flag names the command's --help", async () => {
  const bad = await output(["ping", "executor", "h:1", "--nope"]);
  assert.is(bad.code, 1);
  assert.match(bad.text, /--nope.*see jina-ts ping --help/);
});

test("the flow's ready lines: one for programs, one per address for people, with /docs on HTTP", () => {
  const lines = flowReadyLines({ host: "127.0.0.1", protocols: ["grpc", "http", "websocket"], ports: [1, 2, 3] });
  assert.is(lines[0], 'JINA_FLOW_READY {"host":"127.0.0.1","protocols":["grpc","http","websocket"],"ports":[1,2,3]}');
  assert.match(lines.join("\n"), /grpc:\/\/127\.0\.0\.1:1\n/);
  assert.match(lines.join("\n"), /http:\/\/127\.0\.0\.1:2  \(Swagger UI http:\/\/127\.0\.0\.1:2\/docs\)/);
  assert.match(lines.join("\n"), /ws:\/\/127\.0\.0\.1:3/);
});

test("jina-ts post --on /x without --input prints parameters.__results__, and --results writes them", async () => {
  await using flow = await new Flow().add({ name: "sizer", uses: BatchSizer }).start();
  const printed = await output(["post", `127.0.0.1:${flow.port}`, "--on", "/embed", "--quiet"]);
  assert.is(printed.code, 0, printed.text);
  const json = printed.text.slice(printed.text.indexOf("{"));
  assert.equal(JSON.parse(json), { sizer: { batch: 0 } });
});

test.run();
