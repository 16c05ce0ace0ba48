import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Code, ConnectError } from "@connectrpc/connect";
import { createGateway, type Gateway, type GatewayOptions } from "../../gateway/mod.ts";
import { CallFailure, closedPort, type Fake, fakeExecutor, sleep } from "./fakes.ts";

function upper(): Fake {
  return fakeExecutor("upper", ({ docs, endpoint }) => {
    if (endpoint === "/fail") throw new RangeError("no such luck");
    for (const doc of docs) doc.text = doc.text?.toUpperCase() ?? "";
    return { endpoint: endpoint ?? "" };
  });
}

function gatewayWith(fake: Fake, options: Partial<GatewayOptions> = {}): Gateway {
  return createGateway({
    graph: { "start-gateway": [fake.name], [fake.name]: ["end-gateway"] },
    deployments: [{ name: fake.name, shards: [[fake.transport]] }],
    ...options,
  });
}

async function call(gateway: Gateway, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const init: RequestInit = { method, headers: { "content-type": "application/json" } };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const response = await gateway.app.request(path, init);
  return { status: response.status, json: await response.json() };
}

test("GET / answers {} and GET /status tells versions and JINA_ environment", async () => {
  const gateway = gatewayWith(upper());
  try {
    assert.equal(await call(gateway, "GET", "/"), { status: 200, json: {} });
    const { status, json } = await call(gateway, "GET", "/status");
    assert.is(status, 200);
    assert.is(json.jina["jina-ts"], "0.1.0");
    assert.ok(["node", "deno", "bun"].includes(json.jina.runtime));
    assert.type(json.envs, "object");
  } finally {
    await gateway.close();
  }
});

test("POST /post runs the flow and answers Jina's JSON: header, parameters, routes, data", async () => {
  const fake = upper();
  const gateway = gatewayWith(fake);
  try {
    const { status, json } = await call(gateway, "POST", "/post", {
      execEndpoint: "/search",
      data: [{ id: "a", text: "hello" }, { text: "world" }],
      parameters: { limit: 3 },
    });
    assert.is(status, 200);
    assert.is(json.header.execEndpoint, "/search");
    assert.is(json.header.status?.code ?? 0, 0);
    assert.equal(json.data.map((doc: { text: string }) => doc.text), ["HELLO", "WORLD"]);
    assert.is(json.data[0].id, "a");
    assert.is(json.parameters.limit, 3);
    assert.equal(json.parameters.__results__, { upper: { endpoint: "/search" } });
    assert.equal(json.routes.map((route: { executor: string }) => route.executor), ["gateway", "upper"]);
    assert.type(json.routes[1].startTime, "string");
    assert.is(fake.calls[0]?.endpoint, "/search");
  } finally {
    await gateway.close();
  }
});

test("POST /post takes snake_case, {docs: [...]}, the Python client's header and routes, and defaults the endpoint to /", async () => {
  const fake = upper();
  const gateway = gatewayWith(fake);
  try {
    const snake = await call(gateway, "POST", "/post", {
      exec_endpoint: "/index",
      target_executor: "upp",
      data: { docs: [{ text: "a" }] },
      header: { request_id: "req-1", exec_endpoint: "/index" },
      routes: [],
      parameters: {},
    });
    assert.is(snake.status, 200);
    assert.is(snake.json.header.requestId, "req-1");
    assert.equal(snake.json.data.map((doc: { text: string }) => doc.text), ["A"]);
    const bare = await call(gateway, "POST", "/post", { data: [{ text: "b" }] });
    assert.is(bare.status, 200);
    assert.is(fake.calls[1]?.endpoint, "/");
    const empty = await call(gateway, "POST", "/post");
    assert.is(empty.status, 200);
    assert.equal(empty.json.data, []);
  } finally {
    await gateway.close();
  }
});

test("CRUD routes: POST /index, POST /search, PUT /update, DELETE /delete call their endpoint", async () => {
  const fake = upper();
  const gateway = gatewayWith(fake);
  try {
    for (const [method, path] of [["POST", "/index"], ["POST", "/search"], ["PUT", "/update"], ["DELETE", "/delete"]] as const) {
      const { status, json } = await call(gateway, method, path, { data: [{ text: "x" }] });
      assert.is(status, 200, path);
      assert.is(json.header.execEndpoint, path);
      assert.is(fake.calls.at(-1)?.endpoint, path);
    }
  } finally {
    await gateway.close();
  }
});

test("an executor error comes back in-band with HTTP 200, as Jina does", async () => {
  const gateway = gatewayWith(upper());
  try {
    const { status, json } = await call(gateway, "POST", "/post", { execEndpoint: "/fail", data: [{ text: "x" }] });
    assert.is(status, 200);
    assert.is(json.header.status.code, 1);
    assert.is(json.header.status.exception.name, "RangeError");
    assert.equal(json.header.status.exception.args, ["no such luck"]);
    assert.is(json.header.status.exception.executor, "upper");
  } finally {
    await gateway.close();
  }
});

const badInputs: [string, string, string, unknown, RegExp][] = [
  ["malformed JSON", "POST", "/post", "{not json", /not valid JSON/],
  ["a list instead of an object", "POST", "/post", [{ text: "a" }], /body must be a JSON object/],
  ["execEndpoint not a string", "POST", "/post", { execEndpoint: 3 }, /field "execEndpoint" must be a string/],
  ["execEndpoint without a leading /", "POST", "/post", { execEndpoint: "search" }, /field "execEndpoint" must start with "\/"/],
  ["exec_endpoint without a leading /", "POST", "/post", { exec_endpoint: "search" }, /field "exec_endpoint" must start with "\/"/],
  ["data not a list", "POST", "/post", { data: 5 }, /field "data" must be a list of documents/],
  ["data an object without docs", "POST", "/post", { data: { documents: [] } }, /field "data" must be a list of documents/],
  ["parameters a list", "POST", "/post", { parameters: [1] }, /field "parameters" must be a JSON object/],
  ["targetExecutor a number", "POST", "/post", { targetExecutor: 1 }, /field "targetExecutor" must be a string/],
  ["an unknown field", "POST", "/post", { execendpoint: "/x" }, /unknown field\(s\) "execendpoint"/],
  ["camelCase and snake_case disagree", "POST", "/post", { execEndpoint: "/a", exec_endpoint: "/b" }, /"execEndpoint" and "exec_endpoint" disagree/],
  ["a bad document field", "POST", "/post", { data: [{ text: "ok" }, { weight: "heavy" }] }, /data\[1\]\.weight: expected a number/],
  ["a bad document in {docs}", "POST", "/post", { data: { docs: [{ id: 7 }] } }, /data\.docs\[0\]\.id: expected a string/],
  ["an endpoint on a CRUD route", "POST", "/index", { execEndpoint: "/search" }, /for \/index: unknown field\(s\) "execEndpoint"/],
  ["an invalid targetExecutor regex", "POST", "/post", { targetExecutor: "(" }, /targetExecutor "\(" is not a valid regular expression/],
];
for (const [name, method, path, body, message] of badInputs) {
  test(`bad input answers 400 in Jina's shape, naming the field: ${name}`, async () => {
    const fake = upper();
    const gateway = gatewayWith(fake);
    try {
      const { status, json } = await call(gateway, method, path, body);
      assert.is(status, 400);
      assert.is(json.header.status.code, 1);
      assert.match(json.header.status.exception.args[0], message);
      assert.match(json.header.status.description, /^JinaError\(/);
      assert.is(fake.calls.length, 0, "nothing reached the executor");
    } finally {
      await gateway.close();
    }
  });
}

test("a body over maxRequestBytes answers 413 in Jina's shape", async () => {
  const fake = upper();
  const gateway = gatewayWith(fake, { maxRequestBytes: 1024 });
  try {
    const { status, json } = await call(gateway, "POST", "/post", { data: [{ text: "x".repeat(2000) }] });
    assert.is(status, 413);
    assert.is(json.header.status.code, 1);
    assert.match(json.header.status.exception.args[0], /larger than maxRequestBytes \(1024 bytes\)/);
    assert.is(fake.calls.length, 0);
    assert.is((await call(gateway, "POST", "/post", { data: [{ text: "small" }] })).status, 200);
  } finally {
    await gateway.close();
  }
});

test("network failures: unreachable 503 (with the request echoed), timeout 504, executor out of resources 429", async () => {
  const slow = fakeExecutor("slow", ({ signal }) => sleep(5000, signal));
  const busy = fakeExecutor("busy", () => {
    throw new CallFailure(new ConnectError("queue full", Code.ResourceExhausted));
  });
  const cases: [Gateway, number, RegExp][] = [
    [
      createGateway({
        graph: { "start-gateway": ["ghost"], ghost: ["end-gateway"] },
        deployments: [{ name: "ghost", shards: [[`grpc://127.0.0.1:${await closedPort()}`]], retries: 0 }],
      }),
      503,
      /Deployment "ghost" is unavailable/,
    ],
    [gatewayWith(slow, { timeoutSend: 100 }), 504, /Deployment "slow" did not answer within timeoutSend=100 ms/],
    [gatewayWith(busy), 429, /Deployment "busy" failed .*queue full/],
  ];
  for (const [gateway, expected, message] of cases) {
    try {
      const { status, json } = await call(gateway, "POST", "/post", { execEndpoint: "/search", data: [{ id: "d1", text: "q" }] });
      assert.is(status, expected);
      assert.is(json.header.status.code, 1);
      assert.match(json.header.status.exception.args[0], message);
      assert.is(json.header.execEndpoint, "/search", "the request is echoed");
      assert.is(json.data[0].id, "d1");
    } finally {
      await gateway.close();
    }
  }
});

test("noDebugEndpoints hides /post, /status, /dry_run; noCrudEndpoints hides the CRUD routes", async () => {
  const noDebug = gatewayWith(upper(), { noDebugEndpoints: true });
  const noCrud = gatewayWith(upper(), { noCrudEndpoints: true });
  try {
    for (const [method, path] of [["POST", "/post"], ["GET", "/status"], ["GET", "/dry_run"]]) {
      const { status, json } = await call(noDebug, method!, path!, method === "POST" ? {} : undefined);
      assert.is(status, 404, path);
      assert.is(json.header.status.code, 1);
    }
    assert.is((await call(noDebug, "POST", "/index", {})).status, 200);
    assert.is((await call(noCrud, "POST", "/index", {})).status, 404);
    assert.is((await call(noCrud, "POST", "/post", {})).status, 200);
    assert.is((await call(noCrud, "GET", "/")).status, 200);
  } finally {
    await noDebug.close();
    await noCrud.close();
  }
});

test("cors allows any origin; without it no CORS header is sent", async () => {
  const withCors = gatewayWith(upper(), { cors: true });
  const without = gatewayWith(upper());
  try {
    const preflight = await withCors.app.request("/post", {
      method: "OPTIONS",
      headers: { origin: "http://example.com", "access-control-request-method": "POST" },
    });
    assert.is(preflight.headers.get("access-control-allow-origin"), "*");
    const plain = await without.app.request("/", { headers: { origin: "http://example.com" } });
    assert.is(plain.headers.get("access-control-allow-origin"), null);
  } finally {
    await withCors.close();
    await without.close();
  }
});

test("GET /dry_run sends one doc to _jina_dry_run_ and answers the status", async () => {
  const fake = upper();
  const failing = fakeExecutor("broken", () => {
    throw new Error("not ready");
  });
  const ok = gatewayWith(fake);
  const broken = gatewayWith(failing);
  try {
    assert.equal(await call(ok, "GET", "/dry_run"), { status: 200, json: { code: 0, description: "" } });
    assert.is(fake.calls[0]?.endpoint, "_jina_dry_run_");
    assert.is(fake.calls[0]?.docs.length, 1);
    const { json } = await call(broken, "GET", "/dry_run");
    assert.is(json.code, 1);
    assert.is(json.exception.executor, "broken");
  } finally {
    await ok.close();
    await broken.close();
  }
});

test("served over HTTP/1.1 on a real port", async () => {
  const gateway = gatewayWith(upper());
  const server = await gateway.serve({ protocol: "http", port: 0 });
  try {
    const response = await fetch(`${server.url}/post`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: [{ text: "over the wire" }] }),
    });
    assert.is(response.status, 200);
    const json = await response.json();
    assert.is(json.data[0].text, "OVER THE WIRE");
  } finally {
    await gateway.close();
  }
});

test.run();
