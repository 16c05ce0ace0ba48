import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { ErrorCode, JinaError, toStatusProto } from "../../proto/errors.ts";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../../proto/gen/grpc/health_pb.ts";
import { createHealthService, createHealthState, jinaCompatVersion, jinaInfo, jinaTsVersion, serverSession } from "../../proto/server/mod.ts";

function healthClient(state = createHealthState()) {
  const transport = createRouterTransport((router) => router.service(Health, createHealthService(state, ["jina.JinaRPC"])));
  return { state, client: createClient(Health, transport) };
}

test("health state: SERVING by default, listeners hear changes only, and stop when unsubscribed", () => {
  const state = createHealthState();
  const heard: boolean[] = [];
  const stop = state.onChange((serving) => heard.push(serving));
  state.set(true);
  state.set(false);
  state.set(false);
  stop();
  state.set(true);
  assert.equal(heard, [false]);
  assert.ok(state.serving);
});

test("Check answers from the state and fails with NOT_FOUND for an unknown service", async () => {
  const { state, client } = healthClient();
  assert.is((await client.check({ service: "" })).status, Status.SERVING);
  state.set(false);
  assert.is((await client.check({ service: "jina.JinaRPC" })).status, Status.NOT_SERVING);
  try {
    await client.check({ service: "no.Such" });
    assert.unreachable("unknown service");
  } catch (error) {
    assert.is(ConnectError.from(error).code, Code.NotFound);
    assert.match((error as Error).message, /no\.Such/);
  }
});

test("Watch sends the status at once, then each change, and ends when the client cancels", async () => {
  const { state, client } = healthClient();
  const cancel = new AbortController();
  const stream = client.watch({ service: "jina.JinaRPC" }, { signal: cancel.signal })[Symbol.asyncIterator]();
  assert.is((await stream.next()).value?.status, Status.SERVING);
  state.set(false);
  assert.is((await stream.next()).value?.status, Status.NOT_SERVING);
  state.set(true);
  assert.is((await stream.next()).value?.status, Status.SERVING);
  cancel.abort();
  try {
    const end = await stream.next();
    assert.ok(end.done);
  } catch (error) {
    assert.is(ConnectError.from(error).code, Code.Canceled);
  }
});

test("Watch of an unknown service sends SERVICE_UNKNOWN", async () => {
  const { client } = healthClient();
  const cancel = new AbortController();
  const stream = client.watch({ service: "no.Such" }, { signal: cancel.signal })[Symbol.asyncIterator]();
  assert.is((await stream.next()).value?.status, Status.SERVICE_UNKNOWN);
  cancel.abort();
  await stream.next().catch(() => undefined);
});

test("jinaInfo reports versions, runtime and session, Jina's env names, JINA_* extras, and no secrets", () => {
  const startedAt = new Date("2024-01-02T03:04:05.000Z");
  const info = jinaInfo({
    env: { JINA_LOG_LEVEL: "DEBUG", JINA_EXTRA: "x", JINA_AUTH_TOKEN: "hidden", HOME: "/root" },
    runtime: "deno",
    sessionId: "s1",
    startedAt,
  });
  assert.is(info.jina.jina, jinaCompatVersion);
  assert.is(info.jina["jina-ts"], jinaTsVersion);
  assert.is(info.jina.runtime, "deno");
  assert.is(info.jina["session-id"], "s1");
  assert.is(info.jina.uptime, startedAt.toISOString());
  assert.is(info.envs.JINA_LOG_LEVEL, "DEBUG");
  assert.is(info.envs.JINA_DEFAULT_HOST, "(unset)");
  assert.is(info.envs.JINA_EXTRA, "x");
  assert.not.ok("JINA_AUTH_TOKEN" in info.envs);
  assert.not.ok("HOME" in info.envs);
});

test("serverSession makes its id on the first read, once: the same session-id in every report", () => {
  let made = 0;
  const before = Date.now();
  const session = serverSession(() => `id${++made}`);
  assert.is(made, 0, "no id before it is read");
  assert.ok(session.startedAt.getTime() >= before && session.startedAt.getTime() <= Date.now());
  const first = jinaInfo({ env: {}, runtime: "node", ...session });
  const second = jinaInfo({ env: {}, runtime: "node", ...session });
  assert.is(first.jina["session-id"], "id1");
  assert.is(second.jina["session-id"], "id1");
  assert.is(made, 1);
});

test("toStatusProto names a JinaError JinaError (its name stays ConnectError for Connect), other errors by their name", () => {
  const error = new JinaError("field \"data\" must be a list", ErrorCode.InvalidArgument, { executor: "enc" });
  assert.is(error.name, "ConnectError");
  const status = toStatusProto(error);
  assert.is(status.exception?.name, "JinaError");
  assert.is(status.description, 'JinaError("field \\"data\\" must be a list")');
  assert.match(status.exception?.stacks[0] ?? "", /^JinaError\b/);
  assert.is(status.exception?.executor, "enc");
  assert.is(toStatusProto(new RangeError("no"), "x").exception?.name, "RangeError");
});

test.run();
