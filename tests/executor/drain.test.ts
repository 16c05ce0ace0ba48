/**
 * The executor's graceful drain (issue 14): told to stop (server `close()`, SIGTERM to its process), it reports
 * NOT_SERVING, refuses new calls with UNAVAILABLE, lets calls in flight finish up to its grace period and answers the
 * rest UNAVAILABLE naming the grace period.
 */
// jina-test-timeout: 240000
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { callsInFlight, Executor, requests, serveExecutor } from "../../executor/mod.ts";
import { Health, HealthCheckResponse_ServingStatus } from "../../proto/gen/grpc/health_pb.ts";
import { JinaSingleDataRequestRPC } from "../../proto/gen/jina_pb.ts";
import { moduleSibling, spawnScript } from "../../runtime/mod.ts";
import { Sleeper } from "../flow/fixtures/sleeper.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ignores its signal: sleeps `parameters.ms` whatever happens. */
class Stubborn extends Executor {
  @requests("/slow")
  async slow({ docs, parameters }: { docs: DocumentArray; parameters: Record<string, unknown> }) {
    await sleep(Number(parameters.ms ?? 20_000));
    for (const doc of docs) doc.tags = { slept: true };
  }
}

const slowRequest = (ms: number) =>
  createDataRequest({ endpoint: "/slow", docs: new DocumentArray([new Document({ text: "a" })]), parameters: { ms } });

function clients(url: string) {
  const sessions = new Http2SessionManager(url);
  const transport: Transport = createGrpcTransport({ baseUrl: url, sessionManager: sessions });
  return { data: createClient(JinaSingleDataRequestRPC, transport), health: createClient(Health, transport), sessions };
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(20);
  }
}

const codeOf = (error: unknown) => (error instanceof ConnectError ? error.code : undefined);

test("close() with a 1.5-s call in flight: NOT_SERVING, a new call UNAVAILABLE, the call in flight answers OK", async () => {
  const executor = new Sleeper({ metas: { workspace: mkdtempSync(join(tmpdir(), "jina-exec-drain-")) } } as never);
  const server = await serveExecutor(executor, { port: 0, gracePeriod: 20_000 });
  const { data, health, sessions } = clients(server.url);
  try {
    let answeredAt = 0;
    const call = data.process_single_data(slowRequest(1500)).finally(() => (answeredAt = Date.now()));
    await until("the call starts", () => callsInFlight(executor) === 1);
    let closedAt = 0;
    const closing = server.close().then(() => (closedAt = Date.now()));
    await sleep(50);
    assert.is((await health.check({ service: "" })).status, HealthCheckResponse_ServingStatus.NOT_SERVING);
    const refused = await data.process_single_data(slowRequest(10)).then(() => undefined, (error: unknown) => error);
    assert.is(codeOf(refused), Code.Unavailable, `a new call is refused: ${String(refused)}`);
    assert.match(String((refused as Error).message), /shutting down/);
    const response = await call;
    assert.is(docsOf(response).at(0)?.tags.slept, true, "the call in flight finished its work");
    await closing;
    assert.ok(closedAt >= answeredAt, "close() waited for the call in flight");
  } finally {
    sessions.abort();
    await server.close();
    await executor.close();
    rmSync(executor.metas.workspace!, { recursive: true, force: true });
  }
});

test("after the grace period a call still running (its handler ignoring the signal) answers UNAVAILABLE saying why", async () => {
  const executor = new Stubborn();
  const server = await serveExecutor(executor, { port: 0, gracePeriod: 300 });
  const { data, sessions } = clients(server.url);
  try {
    const call = data.process_single_data(slowRequest(20_000)).then(() => undefined, (error: unknown) => error);
    await until("the call starts", () => callsInFlight(executor) === 1);
    const started = Date.now();
    await server.close();
    const error = await call;
    assert.is(codeOf(error), Code.Unavailable, String(error));
    assert.match(String((error as Error).message), /shut down before this request finished.*grace period of 300 ms/);
    assert.ok(Date.now() - started < 10_000, `close() took ${Date.now() - started} ms`);
  } finally {
    sessions.abort();
    await server.close();
  }
});

test("an executor process told SIGTERM (--grace-period 20000) with a 2-s call in flight answers it OK and exits 0", async () => {
  const workspace = mkdtempSync(join(tmpdir(), "jina-exec-drain-"));
  const child = spawnScript(moduleSibling("../../executor/main.ts", import.meta.url), {
    args: ["--uses", "./tests/flow/fixtures/sleeper.ts#Sleeper", "--port", "0", "--workspace", workspace, "--name", "sleeper", "--grace-period", "20000"],
  });
  let sessions: Http2SessionManager | undefined;
  try {
    const port = await child.waitForLine((line) => /^JINA_EXECUTOR_READY (.*)$/.exec(line)?.[1]).then((json) => (JSON.parse(json) as { port: number }).port);
    const client = clients(`http://127.0.0.1:${port}`);
    sessions = client.sessions;
    const call = client.data.process_single_data(slowRequest(2000));
    const startedFile = join(workspace, "sleeper", "0", "started.txt");
    await until("the call starts", () => existsSync(startedFile) && readFileSync(startedFile, "utf8").length > 0);
    child.kill("SIGTERM");
    const response = await call;
    assert.is(docsOf(response).at(0)?.tags.slept, true, "the call in flight finished its work");
    assert.is(await child.exited, 0);
  } finally {
    sessions?.abort();
    await child.stop(1000);
    rmSync(workspace, { recursive: true, force: true });
  }
});

test.run();
