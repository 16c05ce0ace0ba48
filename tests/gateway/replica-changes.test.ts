/**
 * Adding and removing replicas of a running deployment (what `flow.scale()` and `flow.rollingUpdate()` use): a new
 * replica gets calls only once its health answers SERVING; a leaving one is out of the rotation at once, its calls
 * in flight finish, then its connection closes.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createRouterTransport } from "@connectrpc/connect";
import { createDataRequest, Document, DocumentArray } from "../../docarray/mod.ts";
import { createConnectionPool, createGateway } from "../../gateway/mod.ts";
import { ErrorCode } from "../../proto/errors.ts";
import { Health } from "../../proto/gen/grpc/health_pb.ts";
import { createHealthService, createHealthState } from "../../proto/server/mod.ts";
import { rejection } from "../_setup.ts";
import { type Fake, fakeExecutor, serveFake, sleep } from "./fakes.ts";

const request = () => createDataRequest({ endpoint: "/search", docs: new DocumentArray([new Document({ text: "q" })]) });

/** A fake executor whose gRPC health answers from `serving`. */
function withHealth(fake: Fake, serving: boolean) {
  const health = createHealthState(serving);
  const transport = createRouterTransport((router) => {
    fake.routes(router);
    router.service(Health, createHealthService(health, []));
  });
  return { health, transport };
}

test("a replica joins once its health answers SERVING, and only then gets calls", async () => {
  const a = fakeExecutor("enc");
  const b = fakeExecutor("enc");
  const { health, transport } = withHealth(b, false);
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[a.transport]] }] });
  try {
    let joined = false;
    const joining = pool.addReplica("enc", transport).then(() => (joined = true));
    for (let i = 0; i < 6; i++) await pool.send("enc", request(), { endpoint: "/search" });
    assert.is(joined, false);
    assert.is(b.calls.length, 0, "no call before SERVING");
    health.set(true);
    await joining;
    for (let i = 0; i < 6; i++) await pool.send("enc", request(), { endpoint: "/search" });
    assert.is(b.calls.length, 3, "round-robin over both once joined");
    assert.is(pool.health().enc!.shards[0]!.length, 2);
  } finally {
    await pool.close();
  }
});

test("a replica that is never SERVING is not added: rejects after readyTimeoutMs", async () => {
  const a = fakeExecutor("enc");
  const b = fakeExecutor("enc");
  const { transport } = withHealth(b, false);
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[a.transport]] }] });
  try {
    const error = await rejection(pool.addReplica("enc", transport, { readyTimeoutMs: 300 }));
    assert.is(error.code, ErrorCode.Unavailable);
    assert.match(error.message, /was not SERVING within 300 ms \(last: health answered NOT_SERVING\); it was not added/);
    assert.is(pool.health().enc!.shards[0]!.length, 1);
  } finally {
    await pool.close();
  }
});

test("a replica over gRPC without the health service (UNIMPLEMENTED) joins: it answers", async () => {
  const a = fakeExecutor("enc");
  const b = fakeExecutor("enc");
  const { server, address } = await serveFake(b);
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[a.transport]] }] });
  try {
    await pool.addReplica("enc", address);
    for (let i = 0; i < 4; i++) await pool.send("enc", request(), { endpoint: "/search" });
    assert.is(b.calls.length, 2);
  } finally {
    await pool.close();
    await server.close();
  }
});

test("removing a replica: no new call reaches it, its calls in flight finish, then it resolves", async () => {
  const a = fakeExecutor("enc");
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const b = fakeExecutor("enc", async () => await released);
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[a.transport, b.transport]] }] });
  try {
    const calls = [0, 1, 2, 3].map(() => pool.send("enc", request(), { endpoint: "/search" }));
    await sleep(20);
    assert.is(b.calls.length, 2, "two calls are in flight on b");
    let removed = false;
    const removing = pool.removeReplica("enc", b.transport, 0, 10_000).then((leave) => ((removed = true), leave));
    for (let i = 0; i < 4; i++) await pool.send("enc", request(), { endpoint: "/search" });
    assert.is(b.calls.length, 2, "b got no new call once removal began");
    assert.is(removed, false, "removal waits for b's calls in flight");
    release();
    const leave = await removing;
    assert.is(leave.abandoned, 0);
    const replies = await Promise.all(calls);
    assert.ok(replies.every((reply) => !reply.isError), "every call in flight was answered");
    assert.is(pool.health().enc!.shards[0]!.length, 1);
  } finally {
    release();
    await pool.close();
  }
});

test("removing a replica whose call outlasts graceMs closes it anyway and counts the call abandoned", async () => {
  const a = fakeExecutor("enc");
  const b = fakeExecutor("enc", async ({ signal }) => await sleep(2000, signal));
  const { server, address } = await serveFake(b);
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[address, a.transport]] }], retries: 0 });
  try {
    const call = pool.send("enc", request(), { endpoint: "/search" }).catch((error) => error as Error);
    await sleep(50);
    const started = Date.now();
    const leave = await pool.removeReplica("enc", address, 0, 100);
    assert.is(leave.abandoned, 1);
    assert.ok(Date.now() - started < 1500, `gave up after the grace period (${Date.now() - started} ms)`);
    await call;
  } finally {
    await pool.close();
    await server.close();
  }
});

test("bad input: the last replica, an unknown replica, an unknown deployment, a shard that does not exist", async () => {
  const a = fakeExecutor("enc");
  const b = fakeExecutor("enc");
  const gateway = createGateway({ graph: { "start-gateway": ["enc"], enc: ["end-gateway"] }, deployments: [{ name: "enc", shards: [[a.transport]] }] });
  try {
    let error = await rejection(gateway.removeReplica("enc", a.transport));
    assert.is(error.code, ErrorCode.FailedPrecondition);
    assert.match(error.message, /Cannot remove the last replica of deployment "enc"/);
    error = await rejection(gateway.removeReplica("enc", b.transport));
    assert.is(error.code, ErrorCode.NotFound);
    error = await rejection(gateway.removeReplica("enc", "grpc://127.0.0.1:1"));
    assert.match(error.message, /Deployment "enc" has no replica grpc:\/\/127\.0\.0\.1:1/);
    error = await rejection(gateway.addReplica("idx", b.transport));
    assert.is(error.code, ErrorCode.NotFound);
    assert.match(error.message, /knows no deployment "idx" \(known: enc\)/);
    error = await rejection(gateway.addReplica("enc", b.transport, { shard: 1 }));
    assert.is(error.code, ErrorCode.InvalidArgument);
    assert.match(error.message, /Deployment "enc" has no shard 1 \(it has 1: 0 to 0\)/);
    await gateway.addReplica("enc", b.transport);
    const leave = await gateway.removeReplica("enc", a.transport);
    assert.is(leave.abandoned, 0);
  } finally {
    await gateway.close();
  }
});

test.run();
