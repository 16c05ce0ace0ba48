import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import type { JsonObject } from "@bufbuild/protobuf";
import { createDataRequest, Document, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { createGateway, type GatewayDeployment } from "../../gateway/mod.ts";
import { JinaError } from "../../proto/errors.ts";
import { type Fake, fakeExecutor } from "./fakes.ts";

const english = { tags__lang: { $eq: "en" } };
const german = { tags__lang: { $eq: "de" } };
const request = () =>
  createDataRequest({
    endpoint: "/index",
    docs: new DocumentArray([
      new Document({ id: "en1", tags: { lang: "en" } }),
      new Document({ id: "de1", tags: { lang: "de" } }),
      new Document({ id: "fr1", tags: { lang: "fr" } }),
      new Document({ id: "en2", tags: { lang: "en" } }),
    ]),
  });
/** The ids each call received (recorded by the fakes below before they change the docs). */
const seen = new Map<string, string[][]>();
const seenIds = (fake: Fake) => seen.get(fake.name) ?? [];
const record = (name: string, docs: DocumentArray) => seen.set(name, [...(seen.get(name) ?? []), docs.ids]);
/** Records and marks the docs it sees, then reverses their order (as an executor that re-ranks would). */
const marking = (name: string) =>
  fakeExecutor(name, ({ docs }) => {
    record(name, docs);
    for (const doc of docs) doc.tags = { ...doc.tags, [name]: true };
    docs.protos.reverse();
  });
const recording = (name: string) => fakeExecutor(name, ({ docs }) => void record(name, docs));
const deployment = (fake: Fake, extra: Partial<GatewayDeployment> = {}): GatewayDeployment => ({ name: fake.name, shards: [[fake.transport]], ...extra });

test.before.each(() => seen.clear());

test("when: only matching docs are sent; the final response keeps the request's order", async () => {
  const en = marking("en");
  const gateway = createGateway({
    graph: { "start-gateway": ["en"], en: ["end-gateway"] },
    deployments: [deployment(en, { when: english })],
  });
  try {
    const response = await gateway.handle(request());
    assert.equal(seenIds(en), [["en1", "en2"]]);
    const docs = docsOf(response);
    assert.equal(docs.ids, ["en1", "en2"], "request order, although the executor reversed them; non-matching docs do not continue (as Jina)");
    assert.ok(docs.map((doc) => doc.tags.en).every(Boolean));
  } finally {
    await gateway.close();
  }
});

test("when in parallel branches (Jina's switch): each branch gets its docs, the join brings them back in request order", async () => {
  const first = fakeExecutor("first");
  const en = marking("en");
  const de = marking("de");
  const join = recording("join");
  const gateway = createGateway({
    graph: { "start-gateway": ["first"], first: ["en", "de"], en: ["join"], de: ["join"], join: ["end-gateway"] },
    deployments: [deployment(first), deployment(en, { when: english }), deployment(de, { when: german }), deployment(join)],
  });
  try {
    const response = await gateway.handle(request());
    assert.equal(seenIds(en), [["en1", "en2"]]);
    assert.equal(seenIds(de), [["de1"]]);
    assert.equal(seenIds(join), [["en2", "en1", "de1"]], "the join reduces what both branches answered");
    const docs = docsOf(response);
    assert.equal(docs.ids, ["en1", "de1", "en2"], "the request's order; fr1 passed neither filter, so no branch carries it");
    assert.equal(docs.get("de1")?.tags, { lang: "de", de: true });
    assert.equal(docs.get("en2")?.tags, { lang: "en", en: true });
  } finally {
    await gateway.close();
  }
});

test("when, sequential: a doc filtered out stays out downstream; new docs come last; no match still calls with no docs", async () => {
  const adding = fakeExecutor("adding", ({ docs }) => {
    docs.protos.unshift(new Document({ id: "new", tags: { lang: "en" } }).proto);
  });
  const en = marking("en");
  const de = recording("de");
  const gateway = createGateway({
    graph: { "start-gateway": ["adding"], adding: ["en"], en: ["de"], de: ["end-gateway"] },
    deployments: [deployment(adding), deployment(en, { when: english }), deployment(de, { when: german })],
  });
  try {
    const response = await gateway.handle(request());
    assert.equal(seenIds(en), [["new", "en1", "en2"]]);
    assert.equal(seenIds(de), [[]], "de1 was filtered out by en: de gets an empty request, as Jina sends");
    assert.equal(docsOf(response).ids, []);
  } finally {
    await gateway.close();
  }
  const keep = fakeExecutor("keep", ({ docs }) => {
    docs.protos.unshift(new Document({ id: "new", tags: { lang: "en" } }).proto);
  });
  const sorted = createGateway({
    graph: { "start-gateway": ["keep"], keep: ["end-gateway"] },
    deployments: [deployment(keep, { when: { $or: [english, german] } })],
  });
  try {
    assert.equal(docsOf(await sorted.handle(request())).ids, ["en1", "de1", "en2", "new"], "unknown ids last");
  } finally {
    await sorted.close();
  }
});

test("a malformed when is rejected when the gateway is created, naming the deployment", () => {
  const fake = fakeExecutor("en");
  assert.throws(
    () =>
      createGateway({
        graph: { "start-gateway": ["en"], en: ["end-gateway"] },
        deployments: [deployment(fake, { when: { tags__lang: { $like: "en" } } as JsonObject })],
      }),
    (error: Error) => error instanceof JinaError && /when of deployment "en"/.test(error.message) && /\$like/.test(error.message),
  );
});

test("noReduce: the parts of a join are sent together via process_data (docsMatrix), not reduced", async () => {
  const a = fakeExecutor("a", ({ docs }) => {
    for (const doc of docs) doc.tags = { from: "a" };
  });
  const b = fakeExecutor("b", ({ docs }) => {
    for (const doc of docs) doc.tags = { from: "b" };
  });
  const join = fakeExecutor("join", ({ docsMatrix, parts, parameters }) => {
    assert.equal(parameters, { k: 1 });
    return { parts: docsMatrix?.length ?? 0, from: parts?.map((part) => part.routes.at(-1)?.executor ?? "") ?? [] };
  });
  const gateway = createGateway({
    graph: { "start-gateway": ["a", "b"], a: ["join"], b: ["join"], join: ["end-gateway"] },
    deployments: [deployment(a), deployment(b), deployment(join, { noReduce: true })],
  });
  try {
    const input = createDataRequest({ endpoint: "/index", docs: new DocumentArray([new Document({ id: "d" })]), parameters: { k: 1 } });
    const response = await gateway.handle(input);
    assert.is(join.calls.length, 1);
    const [call] = join.calls;
    assert.equal(call!.docsMatrix?.map((part) => part.at(0)?.tags), [{ from: "a" }, { from: "b" }]);
    assert.equal(docsOf(response).map((doc) => doc.tags.from), ["a", "b"], "both parts' docs, not reduced by id");
    assert.equal(response.parameters?.__results__, { join: { parts: 2, from: ["a", "b"] } });
    assert.equal(response.routes.map((route) => route.executor), ["gateway", "a", "b", "join"]);
  } finally {
    await gateway.close();
  }
});

test.run();
