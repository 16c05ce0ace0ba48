/**
 * Graceful drain (issue 14): `close()` — what SIGTERM/SIGINT do — refuses new calls, lets calls in flight finish
 * up to `gracePeriod`, then cancels the rest with a clear status.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Flow } from "../../mod.ts";
import { defaultGracePeriodMs } from "../../gateway/mod.ts";
import { defaultGracePeriodMs as executorDefaultGracePeriodMs } from "../../executor/mod.ts";
import { ErrorCode } from "../../proto/errors.ts";
import { Health, HealthCheckResponse_ServingStatus } from "../../proto/gen/grpc/health_pb.ts";
import { Sleeper } from "./fixtures/sleeper.ts";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function postSlow(port: number, ms: number): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/post`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ execEndpoint: "/slow", data: [{ text: "a" }], parameters: { ms } }),
  });
}

/** Waits until the Sleepers of the flow started `count` calls (or 20 s pass). */
async function startedCalls(workspace: string, count: number): Promise<void> {
  const file = join(workspace, "sleeper", "0", "started.txt");
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (existsSync(file) && readFileSync(file, "utf8").split("\n").filter(Boolean).length >= count) return;
    await sleep(20);
  }
  throw new Error(`the flow did not start ${count} calls within 20 s`);
}

/** When the Sleeper's calls ended (`Date.now()` of each, in the order they ended). */
function finishedAt(workspace: string): number[] {
  const file = join(workspace, "sleeper", "0", "finished.txt");
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number) : [];
}

for (const where of ["in process", "own process"] as const) {
  // What close() waited for is checked against when the calls ended (the Sleeper's own clock), not against a fixed
  // time: on a loaded machine the test's timers run late, and close() may start well after the 500 ms.
  test(`close() 500 ms into four 3-second HTTP calls: all four answer 200 with their documents (${where})`, async () => {
    const uses = where === "in process" ? Sleeper : "./tests/flow/fixtures/sleeper.ts#Sleeper";
    const workspace = mkdtempSync(join(tmpdir(), "jina-drain-"));
    const flow = await new Flow({ protocol: "http", workspace }).add({ name: "sleeper", uses }).start();
    const port = flow.port;
    try {
      const calls = Array.from({ length: 4 }, () => postSlow(port, 3000));
      await startedCalls(workspace, 4); // the machine may be loaded: wait until all four run, then 500 ms
      await sleep(500);
      const started = Date.now();
      const closing = flow.close();
      const closedAt = closing.then(() => Date.now()); // when close() itself returned, not when the test looked
      await sleep(100);
      const refused = await postSlow(port, 10).catch((error) => error as Error);
      const answers = await Promise.all(calls);
      assert.equal(answers.map((answer) => answer.status), [200, 200, 200, 200]);
      for (const answer of answers) {
        const body = await answer.json() as { data: { tags: Record<string, unknown> }[] };
        assert.is(body.data[0]?.tags.slept, true);
      }
      // The port stays open during the drain: a new call gets an answer, 503, not a refused connection.
      // (not `instanceof Response`: @hono/node-server replaces the global Response class on Node)
      assert.ok(!(refused instanceof Error), `a new call during the drain: ${refused instanceof Error ? `${refused.message} ${String(refused.cause ?? "")}` : ""}`);
      assert.is((refused as Response).status, 503, "a new call during the drain is refused");
      assert.match(await (refused as Response).text(), /shutting down/);
      const closed = await closedAt;
      const ended = finishedAt(workspace);
      assert.is(ended.length, 4, "every call ended");
      assert.ok(started < Math.min(...ended), `the four calls were in flight when close() began (it began ${started - Math.min(...ended)} ms after the first ended)`);
      assert.ok(closed >= Math.max(...ended), `close() waited for the calls in flight (it returned ${Math.max(...ended) - closed} ms before the last ended)`);
    } finally {
      await flow.close();
      rmSync(workspace, { recursive: true, force: true });
    }
  });
}

test("after gracePeriod the calls still running fail with 503 saying why, and close() returns soon after", async () => {
  const workspace = mkdtempSync(join(tmpdir(), "jina-drain-"));
  const flow = await new Flow({ protocol: "http", gracePeriod: 300, workspace }).add({ name: "sleeper", uses: Sleeper }).start();
  try {
    const call = postSlow(flow.port, 20_000);
    await startedCalls(workspace, 1);
    const started = Date.now();
    await flow.close();
    const answer = await call;
    assert.is(answer.status, 503);
    assert.match(await answer.text(), /shut down before this request finished.*grace period of 300 ms/);
    assert.ok(Date.now() - started < 5000, `close() took ${Date.now() - started} ms`);
  } finally {
    await flow.close();
    rmSync(workspace, { recursive: true, force: true });
  }
});

test("gRPC: health answers NOT_SERVING as soon as the drain starts, while calls in flight finish", async () => {
  const workspace = mkdtempSync(join(tmpdir(), "jina-drain-"));
  const flow = await new Flow({ protocol: "grpc", workspace }).add({ name: "sleeper", uses: Sleeper }).start();
  const transport = createGrpcTransport({ baseUrl: `http://127.0.0.1:${flow.port}` });
  const health = createClient(Health, transport);
  try {
    assert.is((await health.check({ service: "" })).status, HealthCheckResponse_ServingStatus.SERVING);
    const call = flow.post("/slow", [{ text: "a" }], { parameters: { ms: 1000 } });
    await startedCalls(workspace, 1);
    const closing = flow.close();
    await sleep(50);
    assert.is((await health.check({ service: "" })).status, HealthCheckResponse_ServingStatus.NOT_SERVING);
    const refused = await flow.post("/slow", [{ text: "b" }], { parameters: { ms: 10 } }).then(() => undefined, (error: { code?: unknown; message: string }) => error);
    assert.ok(refused, "a new call during the drain is refused");
    assert.is(refused!.code, ErrorCode.Unavailable, refused!.message);
    const [doc] = await call;
    assert.is(doc?.tags.slept, true);
    await closing;
  } finally {
    await flow.close();
    rmSync(workspace, { recursive: true, force: true });
  }
});

test("gracePeriod defaults to 10,000 ms (gateway and executors)", () => {
  assert.is(defaultGracePeriodMs, 10_000);
  assert.is(executorDefaultGracePeriodMs, 10_000);
});

test("gracePeriod must be a number of milliseconds ≥ 0", async () => {
  const flow = new Flow({ gracePeriod: -1 }).add({ name: "sleeper", uses: Sleeper });
  let error: unknown;
  await flow.start().catch((caught) => (error = caught));
  assert.match(String(error), /gracePeriod must be a number of milliseconds ≥ 0/);
});

test.run();
