/**
 * Replica choice that learns (issue 14): a call is never retried on a replica that already failed it, a failed
 * replica is ejected until a health probe finds it answering, retries back off with jitter, and a replica killed
 * under load loses no call.
 */
import { test } from "../_uvu.ts";
import { backoffDelayMs } from "../../gateway/retry-policy.ts";
import * as assert from "uvu/assert";
import { Code, ConnectError } from "@connectrpc/connect";
import { createDataRequest, Document, DocumentArray } from "../../docarray/mod.ts";
import { createConnectionPool } from "../../gateway/mod.ts";
import { ErrorCode } from "../../proto/errors.ts";
import { CallFailure, closedPort, fakeExecutor, serveFake, sleep } from "./fakes.ts";
import { rejection } from "../_setup.ts";

const request = () => createDataRequest({ endpoint: "/search", docs: new DocumentArray([new Document({ text: "q" })]) });

/** Runs `total` sends, `concurrency` at a time; resolves with how many failed and the first error. */
async function load(send: () => Promise<unknown>, total: number, concurrency: number): Promise<{ failed: number; first?: unknown }> {
  let next = 0;
  let failed = 0;
  let first: unknown;
  const worker = async () => {
    while (next < total) {
      next++;
      try {
        await send();
      } catch (error) {
        failed++;
        first ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { failed, first };
}

test("with one of 2 replicas dead, 0 calls fail at concurrency 1, 16 and 64, and the dead one is skipped", async () => {
  const live = fakeExecutor("enc");
  const { server, address } = await serveFake(live);
  const dead = `grpc://127.0.0.1:${await closedPort()}`;
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[dead, address]] }] });
  try {
    for (const concurrency of [1, 16, 64]) {
      const { failed, first } = await load(() => pool.send("enc", request(), { endpoint: "/search" }), 200, concurrency);
      assert.is(failed, 0, `concurrency ${concurrency}: ${failed} failed, first: ${String(first)}`);
    }
    assert.is(live.calls.length, 600, "every call reached the live replica exactly once");
  } finally {
    await pool.close();
    await server.close();
  }
});

test("a call is not retried on a replica that already failed it: 2 broken of 3, every call answered by the third", async () => {
  const broken = () => fakeExecutor("enc", () => {
    throw new CallFailure(new ConnectError("worker crashed", Code.Internal));
  });
  const [a, b] = [broken(), broken()];
  const live = fakeExecutor("enc");
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[a.transport, b.transport, live.transport]] }], retries: 2 });
  try {
    const { failed } = await load(() => pool.send("enc", request(), { endpoint: "/search" }), 60, 8);
    assert.is(failed, 0);
    assert.is(live.calls.length, 60);
    assert.ok(a.calls.length + b.calls.length <= 16, `broken replicas ejected after their first failures (${a.calls.length + b.calls.length} calls)`);
  } finally {
    await pool.close();
  }
});

test("an ejected replica gets traffic again only after its health probe answers", async () => {
  let down = true;
  const unavailable = () => new CallFailure(new ConnectError("replica restarting", Code.Unavailable));
  const flaky = fakeExecutor("enc", () => {
    if (down) throw unavailable();
  }, {
    endpoints: async () => {
      if (down) throw new ConnectError("replica restarting", Code.Unavailable);
      return ["/search"];
    },
  });
  const live = fakeExecutor("enc");
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[flaky.transport, live.transport]] }] });
  try {
    await pool.send("enc", request(), { endpoint: "/search" }); // flaky fails, live answers: flaky is ejected
    assert.is(flaky.calls.length, 1);
    for (let i = 0; i < 20; i++) await pool.send("enc", request(), { endpoint: "/search" });
    assert.is(flaky.calls.length, 1, "no traffic while down");
    await sleep(700); // failing probes meanwhile keep it out
    for (let i = 0; i < 10; i++) await pool.send("enc", request(), { endpoint: "/search" });
    assert.is(flaky.calls.length, 1, "still no traffic after failed probes");
    down = false;
    const deadline = Date.now() + 5000;
    while (flaky.calls.length === 1 && Date.now() < deadline) {
      await pool.send("enc", request(), { endpoint: "/search" });
      await sleep(20);
    }
    assert.ok(flaky.discoveries >= 1, "probed");
    assert.ok(flaky.calls.length > 1, "back in rotation once its probe answered");
  } finally {
    await pool.close();
  }
});

test("retries on the only replica back off with jitter (two retries wait at least 75 ms)", async () => {
  const broken = fakeExecutor("enc", () => {
    throw new CallFailure(new ConnectError("down", Code.Unavailable));
  });
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[broken.transport]], retries: 2 }] });
  try {
    const started = Date.now();
    const error = await rejection(pool.send("enc", request(), { endpoint: "/search" }));
    assert.is(error.code, ErrorCode.Unavailable);
    assert.ok(Date.now() - started >= 70, `took ${Date.now() - started} ms`);
    assert.is(broken.calls.length, 3);
  } finally {
    await pool.close();
  }
});

test("the backoff doubles from backoffMs up to maxBackoffMs, each wait a random point in its upper half (equal jitter)", () => {
  const policy = { backoffMs: 40, maxBackoffMs: 300 };
  for (const [retry, full] of [[1, 40], [2, 80], [3, 160], [4, 300], [9, 300]] as const) {
    const waits = Array.from({ length: 500 }, () => backoffDelayMs(retry, policy));
    assert.ok(waits.every((ms) => ms >= full / 2 && ms <= full), `retry ${retry}: within [${full / 2}, ${full}]`);
    assert.ok(new Set(waits.map((ms) => Math.round(ms * 100))).size > 100, `retry ${retry}: the waits vary`);
    const mean = waits.reduce((sum, ms) => sum + ms, 0) / waits.length;
    assert.ok(Math.abs(mean - full * 0.75) < full * 0.05, `retry ${retry}: mean ${mean.toFixed(1)} near ${full * 0.75}`);
  }
  assert.ok(backoffDelayMs(1, {}) <= 50 && backoffDelayMs(1, {}) >= 25, "default 50 ms");
});

test("retryPolicy.inFlight: a mid-flight failure is retried only for the endpoints it names; a refused connection always", async () => {
  const reset = fakeExecutor("enc", () => {
    throw new CallFailure(new ConnectError("stream reset by peer", Code.Aborted));
  });
  const live = fakeExecutor("enc");
  const dead = `grpc://127.0.0.1:${await closedPort()}`;
  const pool = createConnectionPool({
    deployments: [
      { name: "strict", shards: [[reset.transport, live.transport]], retryPolicy: { inFlight: ["/search"] } },
      { name: "refused", shards: [[dead, live.transport]], retryPolicy: { inFlight: "none" } },
    ],
  });
  try {
    const error = await rejection(pool.send("strict", createDataRequest({ endpoint: "/index" }), { endpoint: "/index" }));
    assert.is(error.code, ErrorCode.Unavailable);
    assert.match(error.message, /not retried: endpoint "\/index" is not in its retryPolicy.inFlight/);
    assert.is(live.calls.length, 0);
    await sleep(400); // the reset replica's probe (discovery unimplemented: it is up) puts it back
    await pool.send("strict", request(), { endpoint: "/search" });
    await pool.send("strict", request(), { endpoint: "/search" });
    assert.ok(live.calls.length >= 1, "/search retried on the live replica");
    const before = live.calls.length;
    await pool.send("refused", createDataRequest({ endpoint: "/index" }), { endpoint: "/index" });
    assert.is(live.calls.length, before + 1, "a refused connection never reached a replica: retried");
    assert.throws(
      () => createConnectionPool({ deployments: [{ name: "x", shards: [[live.transport]], retryPolicy: { inFlight: "some" as never } }] }),
      /retryPolicy of deployment "x": inFlight must be/,
    );
  } finally {
    await pool.close();
  }
});

test("killing one of 2 replicas under load loses 0 calls (in-flight calls retried on the other)", async () => {
  const slow = () => fakeExecutor("enc", ({ signal }) => sleep(10, signal));
  const [a, b] = [slow(), slow()];
  const servedA = await serveFake(a);
  const servedB = await serveFake(b);
  const pool = createConnectionPool({ deployments: [{ name: "enc", shards: [[servedA.address, servedB.address]] }] });
  try {
    const running = load(() => pool.send("enc", request(), { endpoint: "/search" }), 600, 16);
    while (b.calls.length < 50) await sleep(5);
    await servedB.server.close(); // in-flight streams are reset
    const { failed, first } = await running;
    assert.is(failed, 0, `${failed} lost, first: ${String(first)}`);
    assert.ok(b.calls.length > 0 && a.calls.length > b.calls.length);
  } finally {
    await pool.close();
    await servedA.server.close();
  }
});

test.run();
