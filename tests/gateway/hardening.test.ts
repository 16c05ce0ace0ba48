/**
 * Hardening of the gateway's HTTP port (issue 14): over-long names answer 400, the gateway's own errors carry no
 * stack unless `debug`, data routes take JSON only, unknown Host names are refused, `maxDocs` and `requestTimeout`
 * bound a request.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createGateway, type Gateway, type GatewayOptions } from "../../gateway/mod.ts";
import { type Fake, fakeExecutor, sleep } from "./fakes.ts";

function gatewayWith(fake: Fake, options: Partial<GatewayOptions> = {}): Gateway {
  return createGateway({
    graph: { "start-gateway": [fake.name], [fake.name]: ["end-gateway"] },
    deployments: [{ name: fake.name, shards: [[fake.transport]] }],
    ...options,
  });
}

const json = { "content-type": "application/json" };

test("a 40,000-character targetExecutor or endpoint answers 400 naming the field", async () => {
  const fake = fakeExecutor("enc");
  const gateway = gatewayWith(fake);
  try {
    for (const body of [
      { data: [{ text: "a" }], targetExecutor: "x".repeat(40_000) },
      { data: [{ text: "a" }], execEndpoint: `/${"x".repeat(40_000)}` },
    ]) {
      const response = await gateway.app.request("/post", { method: "POST", headers: json, body: JSON.stringify(body) });
      assert.is(response.status, 400);
      assert.match(await response.text(), /is 40,?00[01] characters long, more than 1024/);
    }
    assert.is(fake.calls.length, 0);
  } finally {
    await gateway.close();
  }
});

test("the gateway's own errors carry no stack or server path unless debug is on", async () => {
  const fake = fakeExecutor("enc");
  for (const debug of [false, true]) {
    const gateway = gatewayWith(fake, { debug });
    try {
      const response = await gateway.app.request("/nowhere");
      assert.is(response.status, 404);
      const body = await response.json() as { header: { status: { exception: { stacks: string[] } } } };
      const stacks = body.header.status.exception.stacks.join("");
      if (debug) assert.match(stacks, /\.ts:\d+/, "debug: the stack with its files");
      else {
        assert.not.match(stacks, /\.ts|\/work\/|    at /, `no stack: ${stacks}`);
        assert.match(stacks, /There is no route GET \/nowhere/);
      }
    } finally {
      await gateway.close();
    }
  }
});

test("a text/plain, form or untyped POST does not run the flow (415); JSON does", async () => {
  const fake = fakeExecutor("enc");
  const gateway = gatewayWith(fake);
  const body = JSON.stringify({ data: [{ text: "a" }] });
  try {
    for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const response = await gateway.app.request("/post", { method: "POST", headers: { "content-type": type }, body });
      assert.is(response.status, 415, type);
      assert.match(await response.text(), /content-type application\/json/);
    }
    // No content type: what a cross-site fetch(url, { mode: "no-cors", body: new Blob([json]) }) sends, without a preflight.
    const untyped = await gateway.app.request("/post", { method: "POST", body: new TextEncoder().encode(body) });
    assert.is(untyped.status, 415);
    assert.match(await untyped.text(), /got none/);
    assert.is(fake.calls.length, 0, "the flow never ran");
    assert.is((await gateway.app.request("/index", { method: "POST", headers: { "content-type": "text/plain" }, body })).status, 415);
    assert.is((await gateway.app.request("/post", { method: "POST", headers: json, body })).status, 200);
    assert.is((await gateway.app.request("/post", { method: "POST", headers: { "content-type": "application/json; charset=utf-8" }, body })).status, 200);
    assert.is(fake.calls.length, 2);
  } finally {
    await gateway.close();
  }
});

test("allowedHosts: a foreign Host (DNS rebinding) answers 421; localhost and the bind address are served", async () => {
  const fake = fakeExecutor("enc");
  const gateway = gatewayWith(fake);
  const open = gatewayWith(fake, { allowedHosts: ["*"] });
  const listed = gatewayWith(fake, { allowedHosts: ["search.example.com"] });
  try {
    const server = await gateway.serve({ protocol: "http", port: 0 });
    assert.is((await gateway.app.request("http://evil.example.com/")).status, 421);
    assert.is((await gateway.app.request("http://evil.example.com/post", { method: "POST", headers: json, body: "{}" })).status, 421);
    assert.is((await gateway.app.request("http://localhost/")).status, 200);
    assert.is((await fetch(`${server.url}/`)).status, 200, "127.0.0.1, the bind address");
    assert.is((await open.app.request("http://evil.example.com/")).status, 200);
    assert.is((await listed.app.request("http://search.example.com/")).status, 200);
    assert.is((await listed.app.request("http://localhost/")).status, 421);
  } finally {
    await gateway.close();
    await open.close();
    await listed.close();
  }
});

test("maxDocs: a request with more documents answers 413 before any executor runs; default 100,000", async () => {
  const fake = fakeExecutor("enc");
  const gateway = gatewayWith(fake, { maxDocs: 10 });
  const byDefault = gatewayWith(fake);
  try {
    const data = (n: number) => JSON.stringify({ data: Array.from({ length: n }, () => ({})) });
    const response = await gateway.app.request("/post", { method: "POST", headers: json, body: data(11) });
    assert.is(response.status, 413);
    assert.match(await response.text(), /11 documents, more than maxDocs=10/);
    assert.is((await gateway.app.request("/post", { method: "POST", headers: json, body: data(10) })).status, 200);
    assert.is((await byDefault.app.request("/post", { method: "POST", headers: json, body: data(100_001) })).status, 413);
    assert.is(fake.calls.length, 1);
  } finally {
    await gateway.close();
    await byDefault.close();
  }
});

test("requestTimeout: a request running longer fails with 504 naming the option", async () => {
  const slow = fakeExecutor("slow", ({ signal }) => sleep(5000, signal));
  const gateway = gatewayWith(slow, { requestTimeout: 200 });
  try {
    const started = Date.now();
    const response = await gateway.app.request("/post", { method: "POST", headers: json, body: JSON.stringify({ data: [{}] }) });
    assert.is(response.status, 504);
    assert.match(await response.text(), /did not finish within requestTimeout=200 ms/);
    assert.ok(Date.now() - started < 3000);
  } finally {
    await gateway.close();
  }
});

test.run();
