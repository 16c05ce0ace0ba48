import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { createDataRequest, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { createGateway, type Gateway, type GatewayOptions } from "../../gateway/mod.ts";
import { type DataRequestProto, DataRequestProtoSchema, StatusProtoSchema } from "../../proto/gen/jina_pb.ts";
import type { Server } from "../../runtime/mod.ts";
import { openPeer, type Peer } from "../runtime/websocket-peer.ts";
import { closedPort, type Fake, fakeExecutor, sleep } from "./fakes.ts";

function upper(): Fake {
  return fakeExecutor("upper", ({ docs, endpoint }) => {
    if (endpoint === "/fail") throw new RangeError("no such luck");
    for (const doc of docs) doc.text = doc.text?.toUpperCase() ?? "";
  });
}

function gatewayWith(fake: Fake, options: Partial<GatewayOptions> = {}): Gateway {
  return createGateway({
    graph: { "start-gateway": [fake.name], [fake.name]: ["end-gateway"] },
    deployments: [{ name: fake.name, shards: [[fake.transport]] }],
    ...options,
  });
}

/** Serves `gateway` over websocket, runs `fn`, closes everything. */
async function withServer(gateway: Gateway, fn: (server: Server, url: (path?: string) => string) => Promise<void>): Promise<void> {
  const server = await gateway.serve({ protocol: "websocket", port: 0, host: "127.0.0.1" });
  try {
    await fn(server, (path = "/") => `ws://127.0.0.1:${server.port}${path}`);
  } finally {
    await gateway.close();
  }
}

/** Waits until `condition()` holds (checked every 10 ms, for at most 5 s). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function nextJson(peer: Peer): Promise<any> {
  const message = await peer.next();
  assert.type(message, "string", "a JSON-mode answer is a text frame");
  return JSON.parse(message as string);
}

async function nextProto(peer: Peer): Promise<DataRequestProto> {
  const message = await peer.next();
  assert.instance(message, Uint8Array, "a bytes-mode answer is a binary frame");
  return fromBinary(DataRequestProtoSchema, message as Uint8Array);
}

function request(text: string, endpoint = "/index"): DataRequestProto {
  return createDataRequest({ endpoint, docs: new DocumentArray([{ text }]) });
}

test("json mode (the default): text frames in the /post shape, {} ends the stream, answers as dataRequestToJSON, close 1000", async () => {
  await withServer(gatewayWith(upper()), async (_, url) => {
    for (const protocols of [undefined, ["json"]]) {
      const peer = await openPeer(url(), protocols);
      assert.is(peer.protocol, protocols ? "json" : "");
      peer.send(JSON.stringify({ execEndpoint: "/search", data: [{ text: "a" }], header: { requestId: "r-a" } }));
      peer.send(JSON.stringify({ exec_endpoint: "/index", data: { docs: [{ text: "b" }] }, header: { request_id: "r-b" }, parameters: { x: 1 } }));
      peer.send("{}");
      const answers = [await nextJson(peer), await nextJson(peer)].sort((x, y) => x.header.requestId.localeCompare(y.header.requestId));
      assert.equal(answers.map((a) => a.header.requestId), ["r-a", "r-b"]);
      assert.equal(answers.map((a) => a.header.execEndpoint), ["/search", "/index"]);
      assert.equal(answers.map((a) => a.data[0].text), ["A", "B"]);
      assert.is(answers[1].parameters.x, 1);
      assert.equal(answers[0].routes.map((route: { executor: string }) => route.executor), ["gateway", "upper"]);
      assert.is((await peer.closed).code, 1000);
    }
  });
});

test("bytes mode: binary DataRequestProto frames, \\x00 ends the stream, answers are DataRequestProtos, close 1000", async () => {
  await withServer(gatewayWith(upper()), async (_, url) => {
    const peer = await openPeer(url(), ["bytes"]);
    assert.is(peer.protocol, "bytes");
    const requests = ["x", "y", "z"].map((text) => request(text));
    for (const item of requests) peer.send(toBinary(DataRequestProtoSchema, item));
    peer.send(new Uint8Array([0]));
    const answers = [await nextProto(peer), await nextProto(peer), await nextProto(peer)];
    assert.equal(answers.map((a) => a.header?.requestId).sort(), requests.map((r) => r.header!.requestId).sort());
    assert.equal(answers.map((a) => docsOf(a).at(0)?.text).sort(), ["X", "Y", "Z"]);
    assert.equal(await peer.rest(), []);
    assert.is((await peer.closed).code, 1000);
  });
});

test("answers stream back as they complete; ?results_in_order=true keeps request order", async () => {
  let release: (() => void) | undefined;
  const done: string[] = [];
  const gated = fakeExecutor("gated", async ({ docs }) => {
    if (docs.at(0)?.text === "slow") await new Promise<void>((resolve) => (release = resolve));
    done.push(docs.at(0)!.text!);
  });
  await withServer(gatewayWith(gated), async (_, url) => {
    const free = await openPeer(url(), ["bytes"]);
    free.send(toBinary(DataRequestProtoSchema, request("slow")));
    free.send(toBinary(DataRequestProtoSchema, request("fast")));
    assert.is(docsOf(await nextProto(free)).at(0)?.text, "fast", "the fast answer comes first while the slow one is blocked");
    await until(() => release !== undefined, "the slow request to block");
    release!();
    release = undefined;
    assert.is(docsOf(await nextProto(free)).at(0)?.text, "slow");
    free.send(new Uint8Array([0]));
    assert.is((await free.closed).code, 1000);

    done.length = 0;
    const ordered = await openPeer(url("/?results_in_order=true"), ["bytes"]);
    ordered.send(toBinary(DataRequestProtoSchema, request("slow")));
    ordered.send(toBinary(DataRequestProtoSchema, request("fast")));
    ordered.send(new Uint8Array([0]));
    await until(() => done.includes("fast") && release !== undefined, "the fast request to finish and the slow one to block");
    release!();
    assert.equal([await nextProto(ordered), await nextProto(ordered)].map((a) => docsOf(a).at(0)?.text), ["slow", "fast"]);
    assert.is((await ordered.closed).code, 1000);
  });
});

test("prefetch bounds the requests of one socket in flight", async () => {
  let inFlight = 0;
  let max = 0;
  const counting = fakeExecutor("counting", async () => {
    max = Math.max(max, ++inFlight);
    await sleep(20);
    inFlight--;
  });
  await withServer(gatewayWith(counting, { prefetch: 2 }), async (_, url) => {
    const peer = await openPeer(url(), ["bytes"]);
    for (let i = 0; i < 6; i++) peer.send(toBinary(DataRequestProtoSchema, request(`d${i}`)));
    peer.send(new Uint8Array([0]));
    assert.is((await peer.rest()).length, 6);
    assert.is(max, 2);
  });
});

test("bad JSON frames are answered in-band with the error and the socket keeps serving", async () => {
  await withServer(gatewayWith(upper()), async (_, url) => {
    const peer = await openPeer(url());
    peer.send("not json");
    assert.match((await nextJson(peer)).header.status.exception.args[0], /not valid JSON/);
    peer.send(JSON.stringify({ data: 5, header: { requestId: "bad-1" } }));
    const wrong = await nextJson(peer);
    assert.is(wrong.header.requestId, "bad-1", "the request id is echoed");
    assert.is(wrong.header.status.code, 1);
    assert.match(wrong.header.status.exception.args[0], /field "data"/);
    peer.send(JSON.stringify({ execEndpoint: "search" }));
    assert.match((await nextJson(peer)).header.status.exception.args[0], /must start with "\/"/);
    peer.send(JSON.stringify({ data: [{ text: "still" }] }));
    assert.is((await nextJson(peer)).data[0].text, "STILL");
    peer.send("{}");
    assert.is((await peer.closed).code, 1000);
  });
});

test("bytes that are not a DataRequestProto, text frames in bytes mode and docsBytes are answered in-band", async () => {
  await withServer(gatewayWith(upper()), async (_, url) => {
    const peer = await openPeer(url(), ["bytes"]);
    peer.send(new Uint8Array([0xff, 0xff, 0xff]));
    const garbage = await nextProto(peer);
    assert.is(garbage.header?.status?.code, 1);
    assert.match(garbage.header!.status!.exception!.args[0]!, /not a serialized DataRequestProto/);
    peer.send("text");
    assert.match((await nextProto(peer)).header!.status!.exception!.args[0]!, /binary frames/);
    const pickled = request("p");
    pickled.data!.documents = { case: "docsBytes", value: new Uint8Array([1, 2]) };
    peer.send(toBinary(DataRequestProtoSchema, pickled));
    const refused = await nextProto(peer);
    assert.is(refused.header?.requestId, pickled.header!.requestId);
    assert.is(refused.header?.status?.code, 1);
    peer.send(toBinary(DataRequestProtoSchema, request("fine")));
    assert.is(docsOf(await nextProto(peer)).at(0)?.text, "FINE");
    peer.send(new Uint8Array([0]));
    assert.is((await peer.closed).code, 1000);
  });
});

test("a frame over maxRequestBytes is answered in-band; one far over it closes the socket with 1009", async () => {
  await withServer(gatewayWith(upper(), { maxRequestBytes: 2048 }), async (_, url) => {
    const peer = await openPeer(url());
    peer.send(JSON.stringify({ data: [{ text: "x".repeat(3000) }] }));
    const tooBig = await nextJson(peer);
    assert.is(tooBig.header.status.code, 1);
    assert.match(tooBig.header.status.exception.args[0], /larger than maxRequestBytes \(2048 bytes\)/);
    peer.send(JSON.stringify({ data: [{ text: "small" }] }));
    assert.is((await nextJson(peer)).data[0].text, "SMALL");
    peer.send("x".repeat(10_000));
    assert.is((await peer.closed).code, 1009);
  });
});

test("an executor error comes back in-band and the socket goes on", async () => {
  await withServer(gatewayWith(upper()), async (_, url) => {
    const peer = await openPeer(url(), ["bytes"]);
    peer.send(toBinary(DataRequestProtoSchema, request("boom", "/fail")));
    const failed = await nextProto(peer);
    assert.is(failed.header?.status?.code, 1);
    assert.is(failed.header?.status?.exception?.name, "RangeError");
    assert.is(failed.header?.status?.exception?.executor, "upper");
    peer.send(toBinary(DataRequestProtoSchema, request("ok")));
    assert.is(docsOf(await nextProto(peer)).at(0)?.text, "OK");
    peer.send(new Uint8Array([0]));
    assert.is((await peer.closed).code, 1000);
  });
});

test("an unreachable executor closes the socket with 1011 and the reason", async () => {
  const gateway = createGateway({
    graph: { "start-gateway": ["ghost"], ghost: ["end-gateway"] },
    deployments: [{ name: "ghost", shards: [[`grpc://127.0.0.1:${await closedPort()}`]], retries: 0 }],
  });
  await withServer(gateway, async (_, url) => {
    const peer = await openPeer(url(), ["bytes"]);
    peer.send(toBinary(DataRequestProtoSchema, request("q")));
    const closed = await peer.closed;
    assert.is(closed.code, 1011);
    assert.match(closed.reason, /^\[unavailable\] .*ghost/);
    assert.ok(new TextEncoder().encode(closed.reason).byteLength <= 123);
  });
});

test("ws /dry_run sends the status once and closes: JSON in json mode, a StatusProto in bytes mode", async () => {
  const fake = upper();
  const broken = fakeExecutor("broken", () => {
    throw new Error("not ready");
  });
  await withServer(gatewayWith(fake), async (_, url) => {
    const json = await openPeer(url("/dry_run"));
    assert.equal(await nextJson(json), { code: 0, description: "" });
    assert.is((await json.closed).code, 1000);
    assert.is(fake.calls[0]?.endpoint, "_jina_dry_run_");
    const bytes = await openPeer(url("/dry_run"), ["bytes"]);
    const status = fromBinary(StatusProtoSchema, (await bytes.next()) as Uint8Array);
    assert.is(status.code, 0);
    assert.is((await bytes.closed).code, 1000);
  });
  await withServer(gatewayWith(broken), async (_, url) => {
    const peer = await openPeer(url("/dry_run"));
    const status = await nextJson(peer);
    assert.is(status.code, 1);
    assert.is(status.exception.executor, "broken");
  });
});

test("the websocket port serves GET /, /status and /dry_run; unknown paths and subprotocols are refused", async () => {
  await withServer(gatewayWith(upper()), async (server, url) => {
    assert.equal(await (await fetch(`${server.url}/`)).json(), {});
    const status = await (await fetch(`${server.url}/status`)).json();
    assert.ok(["node", "deno", "bun"].includes(status.jina.runtime));
    assert.equal(await (await fetch(`${server.url}/dry_run`)).json(), { code: 0, description: "" });
    for (const [path, protocols] of [["/nowhere", undefined], ["/", ["mqtt"]]] as const) {
      let refused = false;
      try {
        (await openPeer(url(path), protocols as string[] | undefined)).close();
      } catch {
        refused = true;
      }
      assert.ok(refused, `${path} ${protocols ?? ""} is refused`);
    }
  });
});

test("closing the socket early aborts the requests in flight", async () => {
  let aborted = false;
  const waiting = fakeExecutor("waiting", async ({ signal }) => {
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    aborted = true;
  });
  await withServer(gatewayWith(waiting), async (_, url) => {
    const peer = await openPeer(url(), ["bytes"]);
    peer.send(toBinary(DataRequestProtoSchema, request("hang")));
    await until(() => waiting.calls.length === 1, "the executor to get the request");
    peer.close(1000, "changed my mind");
    await until(() => aborted, "the executor's signal to fire");
  });
});

test("limits.idleTimeoutMs: a call running longer than it keeps its socket open until answered; then the idle socket closes with 1001", async () => {
  const slow = fakeExecutor("slow", async ({ docs, signal }) => {
    await sleep(1200, signal);
    for (const doc of docs) doc.text = "done";
  });
  await withServer(gatewayWith(slow, { limits: { idleTimeoutMs: 300 } }), async (_, url) => {
    const peer = await openPeer(url("/"), ["json"]);
    peer.send(JSON.stringify({ data: [{ text: "a" }] }));
    const answer = await nextJson(peer);
    assert.is(answer.data[0].text, "done", "answered after 1.2 s, past the 300-ms idle timeout");
    const closed = await Promise.race([peer.closed, sleep(5000).then(() => undefined)]);
    assert.is(closed?.code, 1001, "then closed as idle");
  });
});

test.run();
