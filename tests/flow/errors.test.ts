import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Document, DocumentArray, Flow, JinaError } from "../../mod.ts";
import { serveHttp } from "../../runtime/mod.ts";
import { Thrower } from "./fixtures/executors.ts";

const fixtures = "./tests/flow/fixtures/executors.ts";

for (const where of ["in process", "own process"] as const) {
  test(`an executor that throws gives an in-band error with name, args and stack, then the flow serves on (${where})`, async () => {
    const uses = where === "in process" ? Thrower : `${fixtures}#Thrower`;
    await using flow = await new Flow().add({ name: "thrower", uses }).start();
    const docs = new DocumentArray([new Document({ text: "x" }), new Document({ text: "y" })]);
    const responses = await flow.client.post("/fail", docs, { returnResponses: true, continueOnError: true });
    const status = responses[0]?.header?.status;
    assert.is(status?.code, 1);
    assert.is(status?.exception?.name, "RangeError");
    assert.equal(status?.exception?.args, ["cannot handle 2 docs"]);
    assert.ok((status?.exception?.stacks ?? []).join("").includes("RangeError"));
    assert.is(status?.exception?.executor, "thrower");
    try {
      await flow.post("/fail", docs);
      assert.unreachable("post should reject on an in-band error");
    } catch (error) {
      assert.instance(error, JinaError);
      assert.match((error as Error).message, /RangeError/);
      assert.match((error as Error).message, /thrower/);
    }
    const ok = await flow.post("/ok", docs);
    assert.equal(ok.map((doc) => doc.tags.ok), [true, true]);
  });
}

test("uses naming a missing file rejects start() naming the deployment and the specifier", async () => {
  const flow = new Flow().add({ name: "ghost", uses: "./tests/flow/fixtures/no-such-file.ts#Ghost" });
  try {
    await flow.start();
    assert.unreachable("start should reject");
  } catch (error) {
    assert.match((error as Error).message, /ghost/);
    assert.match((error as Error).message, /no-such-file\.ts/);
  } finally {
    await flow.close();
  }
});

test("uses naming a missing class rejects start() naming the deployment and the class", async () => {
  const flow = new Flow().add({ name: "phantom", uses: `${fixtures}#NoSuchClass` });
  try {
    await flow.start();
    assert.unreachable("start should reject");
  } catch (error) {
    assert.match((error as Error).message, /phantom/);
    assert.match((error as Error).message, /NoSuchClass/);
  } finally {
    await flow.close();
  }
});

test("a gateway port already in use gives an error naming the port, and nothing is left running", async () => {
  const blocker = await serveHttp({ fetch: () => new Response("busy") });
  const flow = new Flow({ port: blocker.port }).add({ name: "thrower", uses: `${fixtures}#Thrower` });
  try {
    await flow.start();
    assert.unreachable("start should reject");
  } catch (error) {
    assert.instance(error, JinaError);
    assert.match((error as Error).message, String(blocker.port));
    assert.match((error as Error).message, /in use/);
    assert.is(flow.pods.length, 0, "every deployment was stopped");
  } finally {
    await flow.close();
    await blocker.close();
  }
});

test("bad deployment options are rejected when added, naming the option", () => {
  assert.throws(() => new Flow().add({ name: "x", replicas: 0 }), /replicas/);
  assert.throws(() => new Flow().add({ name: "x", needs: "nope" }), /needs "nope"/);
  assert.throws(() => new Flow().add({ name: "x" }).add({ name: "x" }), /already in the flow/);
  assert.throws(() => new Flow().add({ name: "bad name" }), /not allowed/);
  assert.throws(() => new Flow({ protocol: "smtp" as never }), /Unknown gateway protocol/);
});

test.run();
