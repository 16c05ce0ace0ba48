import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Code, ConnectError } from "@connectrpc/connect";
import { createDataRequest, Document, DocumentArray } from "../../docarray/mod.ts";
import { createConnectionPool, createGateway } from "../../gateway/mod.ts";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { CallFailure, closedPort, fakeExecutor, serveFake, sleep } from "./fakes.ts";
import { rejection } from "../_setup.ts";

const request = () => createDataRequest({ endpoint: "/search", docs: new DocumentArray([new Document({ text: "q" })]) });


test("replicas are picked round-robin: 10 calls over 2 replicas are 5 and 5", async () => {
  const first = fakeExecutor("enc");
  const second = fakeExecutor("enc");
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[first.transport, second.transport]] }] });
  try {
    for (let i = 0; i < 10; i++) await pool.send("enc", request(), { endpoint: "/search" });
    assert.equal([first.calls.length, second.calls.length], [5, 5]);
    assert.is(first.calls[0]?.endpoint, "/search");
  } finally {
    await pool.close();
  }
});

test("a call to a closed port is retried on the next replica, and every request succeeds", async () => {
  const live = fakeExecutor("enc");
  const dead = `grpc://127.0.0.1:${await closedPort()}`;
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[dead, live.transport]] }] });
  try {
    for (let i = 0; i < 4; i++) {
      const { response, isError } = await pool.send("enc", request(), { endpoint: "/search" });
      assert.not.ok(isError);
      assert.is(response.header?.execEndpoint, "/search");
    }
    assert.is(live.calls.length, 4, "each request reached the live replica exactly once");
  } finally {
    await pool.close();
  }
});

test("a replica served over a real gRPC port works beside an in-memory one", async () => {
  const remote = fakeExecutor("enc");
  const local = fakeExecutor("enc");
  const { server, address } = await serveFake(remote);
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[address, local.transport]] }] });
  try {
    for (let i = 0; i < 4; i++) await pool.send("enc", request(), { endpoint: "/index" });
    assert.equal([remote.calls.length, local.calls.length], [2, 2]);
    assert.is(remote.calls[0]?.endpoint, "/index");
  } finally {
    await pool.close();
    await server.close();
  }
});

test("when every attempt fails: Unavailable naming the deployment and every address tried", async () => {
  const dead = [`grpc://127.0.0.1:${await closedPort()}`, `grpc://127.0.0.1:${await closedPort()}`];
  const pool = createConnectionPool({ deployments: [{ name: "indexer", shards: [dead] }] });
  try {
    const error = await rejection(pool.send("indexer", request(), { endpoint: "/index" }));
    assert.is(error.code, ErrorCode.Unavailable);
    assert.is(error.executor, "indexer");
    assert.match(error.message, /Deployment "indexer" is unavailable: 4 attempt\(s\) failed/);
    for (const address of dead) assert.match(error.message, address);
  } finally {
    await pool.close();
  }
});

test("INTERNAL from one replica is retried on the next; a non-retryable code is not", async () => {
  const broken = fakeExecutor("enc", () => {
    throw new CallFailure(new ConnectError("worker crashed", Code.Internal));
  });
  const busy = fakeExecutor("enc", () => {
    throw new CallFailure(new ConnectError("too many requests", Code.ResourceExhausted));
  });
  const live = fakeExecutor("enc");
  const pool = createConnectionPool({
    deployments: [
      { name: "retried", shards: [[broken.transport, live.transport]] },
      { name: "busy", shards: [[busy.transport, live.transport]] },
    ],
  });
  try {
    await pool.send("retried", request(), { endpoint: "/" });
    assert.equal([broken.calls.length, live.calls.length], [1, 1]);
    const error = await rejection(pool.send("busy", request(), { endpoint: "/" }));
    assert.is(error.code, ErrorCode.ResourceExhausted);
    assert.match(error.message, /Deployment "busy" failed .*too many requests/);
    assert.is(busy.calls.length, 1);
    assert.is(live.calls.length, 1, "not retried on the other replica");
  } finally {
    await pool.close();
  }
});

test("retries: 0 makes one attempt; retries: 2 makes three", async () => {
  const broken = fakeExecutor("enc", () => {
    throw new CallFailure(new ConnectError("down", Code.Unavailable));
  });
  const pool = createConnectionPool({
    deployments: [
      { name: "once", shards: [[broken.transport]], retries: 0 },
      { name: "thrice", shards: [[broken.transport]] },
    ],
    retries: 2,
  });
  try {
    await rejection(pool.send("once", request(), { endpoint: "/" }));
    assert.is(broken.calls.length, 1);
    await rejection(pool.send("thrice", request(), { endpoint: "/" }));
    assert.is(broken.calls.length, 4);
  } finally {
    await pool.close();
  }
});

test("timeoutSend: a slow executor fails with DeadlineExceeded well before it would answer, naming the deployment", async () => {
  for (const where of ["in memory", "over gRPC"] as const) {
    const slow = fakeExecutor("slow", ({ signal }) => sleep(5000, signal));
    const served = where === "over gRPC" ? await serveFake(slow) : undefined;
    const pool = createConnectionPool({ deployments: [{ name: "slow", shards: [[served?.address ?? slow.transport]] }], timeoutSend: 200 });
    try {
      const started = Date.now();
      const error = await rejection(pool.send("slow", request(), { endpoint: "/" }));
      const elapsed = Date.now() - started;
      assert.is(error.code, ErrorCode.DeadlineExceeded, where);
      assert.match(error.message, /Deployment "slow" did not answer within timeoutSend=200 ms/);
      assert.match(error.message, /raise timeoutSend/);
      assert.ok(elapsed < 3000, `failed after ${elapsed} ms (${where}), well before the executor's 5000 ms`);
      assert.is(slow.calls.length, 1, "a timeout is not retried");
    } finally {
      await pool.close();
      await served?.server.close();
    }
  }
});

test("bad deployments are rejected naming the deployment and the option", async () => {
  const cases: [Parameters<typeof createGateway>[0]["deployments"], RegExp][] = [
    [[{ name: "a", shards: [[]] }], /deployment "a" has no replicas/],
    [[{ name: "a", shards: [["http//nope"]] }], /Replica "a\/rep-0" has address "http\/\/nope": use grpc:\/\/host:port/],
    [[{ name: "a", shards: [["grpc://127.0.0.1:1"]], timeoutSend: -5 }], /timeoutSend of deployment "a" must be a positive number/],
    [[{ name: "a", shards: [["grpc://127.0.0.1:1"]], retries: 1.5 }], /retries of deployment "a" must be an integer/],
    [[{ name: "a", shards: [["grpc://127.0.0.1:1"]] }, { name: "a", shards: [["grpc://127.0.0.1:2"]] }], /deployment "a" is given twice/],
  ];
  for (const [deployments, message] of cases) {
    try {
      createGateway({ graph: { "start-gateway": ["a"], a: ["end-gateway"] }, deployments });
      assert.unreachable(`should throw ${message}`);
    } catch (error) {
      assert.is((error as JinaError).code, ErrorCode.InvalidArgument);
      assert.match((error as Error).message, message);
    }
  }
});

test.run();
