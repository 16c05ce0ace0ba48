import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray, Executor, Flow, JinaError, requests } from "../../mod.ts";
import { checkPolling } from "../../flow/check-options.ts";
import { serveHttp } from "../../runtime/mod.ts";

/** Sleeps up to 10 s, or until the call is cancelled. */
class Sleeper extends Executor {
  @requests()
  async sleep({ signal }: { signal: AbortSignal }) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}

/** Counts how many calls run at once. */
class Concurrency extends Executor {
  static inFlight = 0;
  static max = 0;

  @requests()
  async work() {
    Concurrency.max = Math.max(Concurrency.max, ++Concurrency.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 40));
    Concurrency.inFlight--;
  }
}

async function closedPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const server = await serveHttp({ fetch: () => new Response("") });
    ports.push(server.port);
    await server.close();
  }
  return ports;
}

test("polling must be ANY or ALL: the error names the deployment and the endpoint", () => {
  assert.throws(() => new Flow().add({ name: "idx", shards: 2, polling: "SOME" as never }), /Deployment "idx": polling must be "ANY" or "ALL", got "SOME"/);
  assert.throws(
    () => new Flow().add({ name: "idx", shards: 2, polling: { "/search": "ALL", "/custom": "EVERY" as never } }),
    /Deployment "idx": polling for endpoint "\/custom" must be "ANY" or "ALL", got "EVERY"/,
  );
  assert.throws(() => new Flow().add({ name: "idx", polling: 3 as never }), /Deployment "idx": polling must be "ANY", "ALL" or a map/);
  assert.throws(() => new Flow().add({ name: "idx", polling: '{"/search": ' as never }), /Deployment "idx": polling is not valid JSON/);
  new Flow().add({ name: "idx", shards: 2, polling: { "/search": "ALL", "*": "ANY" } });
});

test("polling is brought to upper case; Jina's JSON string form is parsed", () => {
  assert.is(checkPolling("idx", "all"), "ALL");
  assert.equal(checkPolling("idx", { "/search": "all", "*": "Any" }), { "/search": "ALL", "*": "ANY" });
  assert.equal(checkPolling("idx", '{"/custom": "ALL", "*": "ANY"}'), { "/custom": "ALL", "*": "ANY" });
});

test("when must be an object; other bad options name the deployment and the option", () => {
  assert.throws(() => new Flow().add({ name: "en", when: "lang == en" as never }), /Deployment "en": when must be an object/);
  assert.throws(() => new Flow().add({ name: "en", when: [{ tags__lang: "en" }] as never }), /Deployment "en": when must be an object/);
  assert.throws(() => new Flow().add({ name: "en", when: null as never }), /when must be an object/);
  new Flow().add({ name: "en", when: { tags__lang: { $eq: "en" } } });
  assert.throws(() => new Flow().add({ name: "en", when: { tags__lang: { $like: "en" } } }), /unknown query operator "\$like" at when of deployment "en"\.tags__lang/);
  assert.throws(() => new Flow().add({ name: "remote", external: true, host: "10.0.0.5" }), /Deployment "remote" is external: give host and port/);
  assert.throws(() => new Flow().add({ name: "r", noReduce: "yes" as never }), /Deployment "r": noReduce must be true or false/);
  assert.throws(() => new Flow().add({ name: "f", floating: 1 as never }), /Deployment "f": floating must be true or false/);
  assert.throws(() => new Flow().add({ name: "u", shards: 2, usesBefore: 42 as never }), /Deployment "u": usesBefore must be an Executor class/);
  assert.throws(() => new Flow().add({ name: "u", shards: 2, usesAfter: "" as never }), /Deployment "u": usesAfter must be an Executor class/);
});

test("a Jina Hub or docker uses is refused at add(), saying there is no Hub client and no network", () => {
  for (const uses of ["jinahub://SimpleIndexer", "jinaai://jina-ai/Encoder", "jinahub+docker://X", "docker://jinahub/x"]) {
    assert.throws(() => new Flow().add({ name: "hub", uses }), /Deployment "hub": uses: uses ".+": Jina Hub and docker executors cannot run in jina-ts \(it has no Hub client, downloads nothing over the network/);
  }
  assert.throws(() => new Flow().add({ name: "hub", shards: 2, usesAfter: "jinahub://Merger" }), /usesAfter: uses "jinahub:\/\/Merger": Jina Hub/);
});

test("the flow's timeoutSend reaches the gateway: a slow executor fails with a deadline error naming it", async () => {
  await using flow = await new Flow({ timeoutSend: 300, retries: 0 }).add({ name: "sleeper", uses: Sleeper }).start();
  try {
    await flow.post("/slow", [new Document({ text: "x" })]);
    assert.unreachable("post should reject");
  } catch (error) {
    assert.match((error as Error).message, /sleeper/);
    assert.match((error as Error).message, /timeoutSend=300/);
  }
});

test("timeoutSend: 100 against a handler that sleeps fails after 100 ms and long before the handler ends, naming the deployment", async () => {
  await using flow = await new Flow({ retries: 0 }).add({ name: "sleepy", uses: Sleeper, timeoutSend: 100 }).start();
  const elapsed: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const error = await flow.post("/slow", [new Document({ text: "x" })]).then(() => undefined, (caught: unknown) => caught);
    elapsed.push(performance.now() - started);
    assert.instance(error, JinaError);
    assert.match((error as Error).message, /"sleepy"/);
    assert.match((error as Error).message, /raise timeoutSend/);
  }
  // The fastest of three: the deadline itself, not the machine's noise, decides it. The handler sleeps 10 s, so
  // anything under a second is the deadline; the upper bound is loose because a loaded CI machine adds ~100 ms.
  const fastest = Math.min(...elapsed);
  assert.ok(fastest >= 95 && fastest < 1_000, `fastest failure took ${fastest.toFixed(1)} ms; expected 100 ms to 1 s`);
});

test("the flow's retries reach the gateway: retries: 0 tries one replica, retries: 2 tries three", async () => {
  for (const [retries, attempts] of [[0, 1], [2, 3]] as const) {
    const ports = await closedPorts(3);
    await using flow = await new Flow({ retries })
      .add({ name: "gone", external: true, host: "127.0.0.1", port: ports })
      .start();
    try {
      await flow.post("/x", [new Document({ text: "x" })]);
      assert.unreachable("post should reject");
    } catch (error) {
      assert.match((error as Error).message, /gone/);
      assert.match((error as Error).message, new RegExp(`${attempts} attempt\\(s\\) failed`));
    }
  }
});

test("the flow's prefetch reaches the gateway: prefetch: 1 handles the requests of one stream one at a time", async () => {
  for (const prefetch of [1, 8]) {
    Concurrency.inFlight = 0;
    Concurrency.max = 0;
    await using flow = await new Flow({ protocol: "grpc", prefetch }).add({ name: "worker", uses: Concurrency }).start();
    const docs = new DocumentArray(Array.from({ length: 6 }, (_, i) => new Document({ id: `d${i}` })));
    const result = await flow.post("/work", docs, { requestSize: 1 });
    assert.is(result.length, 6);
    if (prefetch === 1) assert.is(Concurrency.max, 1, "one request at a time");
    else assert.ok(Concurrency.max > 1, `requests overlap with prefetch ${prefetch} (max ${Concurrency.max})`);
  }
});

test.run();
