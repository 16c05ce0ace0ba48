import { test } from "uvu";
import * as assert from "uvu/assert";
import { Flow } from "../../mod.ts";
import { parseAddress } from "../../cli/address.ts";
import { ping } from "../../cli/ping.ts";
import { parseReadyLine } from "../../executor/mod.ts";
import { spawnScript } from "../../runtime/mod.ts";
import { PodTagger } from "../flow/fixtures/executors.ts";

const cli = new URL("../../cli/main.ts", import.meta.url);

test("parseAddress reads host:port and the four schemes, and names a bad address", () => {
  assert.equal(parseAddress("127.0.0.1:8081"), { scheme: "grpc", tls: false, host: "127.0.0.1", port: 8081 });
  assert.equal(parseAddress("grpcs://a.b:1"), { scheme: "grpc", tls: true, host: "a.b", port: 1 });
  assert.equal(parseAddress("http://[::1]:80/"), { scheme: "http", tls: false, host: "::1", port: 80 });
  assert.throws(() => parseAddress("localhost"), /"localhost" is not an address/);
  assert.throws(() => parseAddress("ftp://a:1"), /not an address/);
  assert.throws(() => parseAddress("a:70000"), /not an address/);
});

test("jina-ts executor serves a class; ping executor sees it ready, and a closed port not", async () => {
  const child = spawnScript(cli, { args: ["executor", "--uses", "./tests/flow/fixtures/executors.ts#PodTagger", "--port", "0"] });
  try {
    const port = await child.waitForLine((line) => parseReadyLine(line)?.port);
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
  assert.match(child.lastOutput(), /jina-ts ping/);
});

test.run();
