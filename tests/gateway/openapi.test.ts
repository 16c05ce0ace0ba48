import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { validate } from "@readme/openapi-parser";
import { createGateway, type Gateway, type GatewayOptions } from "../../gateway/mod.ts";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { type Fake, fakeExecutor } from "./fakes.ts";

function upper(): Fake {
  return fakeExecutor("upper", ({ docs, endpoint, parameters }) => {
    for (const doc of docs) doc.text = doc.text?.toUpperCase() ?? "";
    return { endpoint: endpoint ?? "", parameters };
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
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await gateway.app.request(path, init);
  return { status: response.status, json: await response.json() };
}

/** path → sorted methods, and "METHOD path" → tags, from an OpenAPI document. */
function routesOf(document: any): { methods: Record<string, string[]>; tags: Record<string, string[]> } {
  const methods: Record<string, string[]> = {};
  const tags: Record<string, string[]> = {};
  for (const [path, item] of Object.entries<any>(document.paths)) {
    methods[path] = Object.keys(item).sort();
    for (const [method, operation] of Object.entries<any>(item)) tags[`${method.toUpperCase()} ${path}`] = operation.tags ?? [];
  }
  return { methods, tags };
}

test("GET /openapi.json is a valid OpenAPI 3 document listing every route with its methods and Jina's tags", async () => {
  const gateway = gatewayWith(upper(), {
    exposeEndpoints: { "/foo": { path: "/bar", methods: ["GET", "post"], summary: "Run foo", tags: ["Mine"] }, "/baz": {} },
  });
  try {
    const { status, json } = await call(gateway, "GET", "/openapi.json");
    assert.is(status, 200);
    assert.match(json.openapi, /^3\./);
    const result = await validate(structuredClone(json));
    assert.ok(result.valid, JSON.stringify(result));
    const { methods, tags } = routesOf(json);
    assert.equal(methods, {
      "/": ["get"],
      "/status": ["get"],
      "/post": ["post"],
      "/dry_run": ["get"],
      "/index": ["post"],
      "/search": ["post"],
      "/update": ["put"],
      "/delete": ["delete"],
      "/bar": ["get", "post"],
      "/baz": ["post"],
    });
    assert.equal(tags["POST /post"], ["Debug"]);
    assert.equal(tags["GET /status"], ["Debug"]);
    assert.equal(tags["GET /dry_run"], ["Debug"]);
    for (const route of ["POST /index", "POST /search", "PUT /update", "DELETE /delete"]) assert.equal(tags[route], ["CRUD"], route);
    assert.equal(tags["GET /bar"], ["Mine"]);
    assert.equal(tags["POST /baz"], ["Customized"]);
    assert.is(json.paths["/bar"].post.summary, "Run foo");
    assert.is(json.paths["/baz"].post.summary, "Endpoint /baz");
    assert.is(json.paths["/post"].post.requestBody.content["application/json"].schema.$ref, "#/components/schemas/JinaEndpointRequestModel");
    assert.is(json.paths["/index"].post.requestBody.content["application/json"].schema.$ref, "#/components/schemas/JinaRequestModel");
    assert.is(json.paths["/post"].post.responses["200"].content["application/json"].schema.$ref, "#/components/schemas/JinaResponseModel");
    const request = json.components.schemas.JinaEndpointRequestModel.properties;
    for (const field of ["data", "parameters", "execEndpoint", "exec_endpoint", "targetExecutor", "target_executor"]) assert.ok(request[field], field);
    assert.not.ok(json.components.schemas.JinaRequestModel.properties.execEndpoint, "CRUD bodies have no endpoint");
    assert.equal(Object.keys(json.components.schemas.JinaResponseModel.properties).sort(), ["data", "header", "parameters", "routes"]);
    assert.ok(json.components.schemas.PydanticDocument.properties.mime_type);
  } finally {
    await gateway.close();
  }
});

test("the OpenAPI title and description come from the options, with Jina-like defaults", async () => {
  const named = gatewayWith(upper(), { title: "My <flow>", description: "Searches my documents" });
  const plain = gatewayWith(upper());
  try {
    const { json } = await call(named, "GET", "/openapi.json");
    assert.is(json.info.title, "My <flow>");
    assert.is(json.info.description, "Searches my documents");
    assert.is(json.info.version, "0.1.0");
    const defaults = (await call(plain, "GET", "/openapi.json")).json;
    assert.is(defaults.info.title, "The entrypoint of jina-ts");
    assert.match(defaults.info.description, /jina-ts/);
    const html = await (await named.app.request("/docs")).text();
    assert.match(html, /<title>My &#60;flow&#62; - Swagger UI<\/title>/);
  } finally {
    await named.close();
    await plain.close();
  }
});

test("with a title and no description, the document has no placeholder description", async () => {
  const titled = gatewayWith(upper(), { title: "My flow" });
  try {
    const { json } = await call(titled, "GET", "/openapi.json");
    assert.is(json.info.title, "My flow");
    assert.is(json.info.description, undefined);
  } finally {
    await titled.close();
  }
});

test("every data route's example in /openapi.json (what Swagger UI prefills) is a valid request: sent as is, it gets 200", async () => {
  const gateway = gatewayWith(upper(), { exposeEndpoints: { "/foo": { path: "/bar", methods: ["GET", "POST", "PUT"] }, "/baz": {} } });
  try {
    const { json } = await call(gateway, "GET", "/openapi.json");
    const schemas = json.components.schemas;
    let sent = 0;
    for (const [path, item] of Object.entries<any>(json.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const body = operation.requestBody?.content?.["application/json"];
        if (!body || method === "get") continue; // fetch (and Swagger UI) send no body with GET
        const schema = body.schema.$ref ? schemas[body.schema.$ref.split("/").pop()] : body.schema;
        const example = body.example ?? schema.example;
        assert.ok(example, `${method.toUpperCase()} ${path} has an example`);
        const answer = await call(gateway, method.toUpperCase(), path, example);
        assert.is(answer.status, 200, `${method.toUpperCase()} ${path}: ${JSON.stringify(answer.json)}`);
        assert.is(answer.json.data[0]?.text, "HELLO WORLD", `${method.toUpperCase()} ${path}`);
        sent++;
      }
    }
    assert.ok(sent >= 7, `sent ${sent} examples`);
  } finally {
    await gateway.close();
  }
});

test("noDebugEndpoints / noCrudEndpoints leave their routes out of the document but /docs and /openapi.json stay", async () => {
  const gateway = gatewayWith(upper(), { noDebugEndpoints: true, noCrudEndpoints: true, exposeEndpoints: { "/search": {} } });
  try {
    const { json } = await call(gateway, "GET", "/openapi.json");
    assert.equal(Object.keys(json.paths).sort(), ["/", "/search"]);
    assert.ok((await validate(structuredClone(json))).valid);
    assert.is((await gateway.app.request("/docs")).status, 200);
    const { status, json: response } = await call(gateway, "POST", "/search", { data: [{ text: "q" }] });
    assert.is(status, 200);
    assert.is(response.header.execEndpoint, "/search");
  } finally {
    await gateway.close();
  }
});

test("/docs serves Swagger UI from the gateway itself: every asset answers with its content type, no external URL", async () => {
  const gateway = gatewayWith(upper());
  const server = await gateway.serve({ protocol: "http", port: 0 });
  try {
    const page = await fetch(`${server.url}/docs`);
    assert.is(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
    assert.ok(refs.length >= 4, `references: ${refs.join(", ")}`);
    assert.not.match(html, /https?:\/\//, "no external URL in the page");
    const expected: Record<string, RegExp> = { css: /^text\/css/, js: /^text\/javascript/, png: /^image\/png/ };
    const seen = new Set<string>();
    for (const ref of refs) {
      assert.ok(ref.startsWith("/docs/"), ref);
      const response = await fetch(`${server.url}${ref}`);
      assert.is(response.status, 200, ref);
      const extension = ref.split(".").pop()!;
      seen.add(extension);
      assert.match(response.headers.get("content-type") ?? "", expected[extension]!, ref);
      const body = new Uint8Array(await response.arrayBuffer());
      assert.ok(body.length > 0, ref);
      if (ref.endsWith("swagger-initializer.js")) {
        const code = new TextDecoder().decode(body);
        assert.match(code, /url: "\/openapi\.json"/);
        assert.not.match(code, /https?:\/\//);
      }
    }
    assert.equal([...seen].sort(), ["css", "js", "png"]);
    assert.ok(refs.includes("/docs/swagger-ui-bundle.js") && refs.includes("/docs/swagger-ui-standalone-preset.js") && refs.includes("/docs/swagger-ui.css"));
    // served twice: the second answer comes from the cache and is the same
    const again = await fetch(`${server.url}/docs/swagger-ui.css`);
    assert.match(await again.text(), /swagger-ui/);
    assert.is((await fetch(`${server.url}/docs/package.json`)).status, 404, "only the listed assets are served");
  } finally {
    await gateway.close();
  }
});

test("exposed endpoints run the request with their endpoint, on their path and methods", async () => {
  const fake = upper();
  const gateway = gatewayWith(fake, { exposeEndpoints: { "/foo": { path: "/bar", methods: ["GET", "POST"] }, "/baz": {} } });
  try {
    const posted = await call(gateway, "POST", "/bar", { data: [{ text: "hi" }], parameters: { k: 1 } });
    assert.is(posted.status, 200);
    assert.is(posted.json.header.execEndpoint, "/foo");
    assert.equal(posted.json.data.map((doc: { text: string }) => doc.text), ["HI"]);
    assert.is(fake.calls.at(-1)?.endpoint, "/foo");
    assert.equal(fake.calls.at(-1)?.parameters, { k: 1 });
    const got = await gateway.app.request("/bar");
    assert.is(got.status, 200);
    assert.is(fake.calls.at(-1)?.endpoint, "/foo");
    assert.is((await call(gateway, "POST", "/baz", { data: [{ text: "x" }] })).json.header.execEndpoint, "/baz");
    assert.is((await call(gateway, "PUT", "/bar", {})).status, 404);
    const bad = await call(gateway, "POST", "/bar", { execEndpoint: "/other" });
    assert.is(bad.status, 400);
    assert.match(bad.json.header.status.exception.args[0], /for \/foo: unknown field\(s\) "execEndpoint"/);
  } finally {
    await gateway.close();
  }
});

const badExposures: [string, NonNullable<GatewayOptions["exposeEndpoints"]>, RegExp][] = [
  ["an endpoint without /", { foo: {} }, /exposeEndpoints\["foo"\]: the endpoint must start with "\/"/],
  ["a path with a parameter", { "/foo": { path: "/items/{id}" } }, /exposeEndpoints\["\/foo"\]\.path must be a literal HTTP path/],
  ["a relative path", { "/foo": { path: "bar" } }, /exposeEndpoints\["\/foo"\]\.path must be a literal HTTP path .*got "bar"/],
  ["an unknown method", { "/foo": { methods: ["FETCH"] } }, /exposeEndpoints\["\/foo"\]\.methods: "FETCH" is not one of GET, POST/],
  ["no methods", { "/foo": { methods: [] } }, /exposeEndpoints\["\/foo"\]\.methods must be a non-empty list/],
  ["tags not strings", { "/foo": { tags: [1 as unknown as string] } }, /exposeEndpoints\["\/foo"\]\.tags must be a list of strings/],
  ["an unknown field", { "/foo": { paht: "/x" } as never }, /exposeEndpoints\["\/foo"\] has unknown field\(s\) "paht"/],
  ["a path taken by a CRUD route", { "/foo": { path: "/index" } }, /exposeEndpoints\["\/foo"\]: the route POST \/index is already taken/],
  ["a path taken by another exposed endpoint", { "/a": { path: "/x" }, "/b": { path: "/x" } }, /exposeEndpoints\["\/b"\]: the route POST \/x is already taken/],
];
for (const [name, exposeEndpoints, message] of badExposures) {
  test(`a bad exposeEndpoints entry is an InvalidArgument naming the endpoint and field: ${name}`, async () => {
    let gateway: Gateway | undefined;
    try {
      gateway = gatewayWith(upper(), { exposeEndpoints }); // createGateway checks each entry, the app the clashes
      gateway.app;
      assert.unreachable("should throw");
    } catch (error) {
      assert.instance(error, JinaError);
      assert.is((error as JinaError).code, ErrorCode.InvalidArgument);
      assert.match((error as Error).message, message);
    } finally {
      await gateway?.close();
    }
  });
}

test("camelCase and snake_case bodies give the same result", async () => {
  const fake = upper();
  const gateway = gatewayWith(fake);
  try {
    const docs = [{ id: "a", text: "one", tags: { k: 1 } }, { id: "b", text: "two" }];
    const camel = await call(gateway, "POST", "/post", { execEndpoint: "/search", targetExecutor: "upp", data: docs, parameters: { p: 1 } });
    const snake = await call(gateway, "POST", "/post", { exec_endpoint: "/search", target_executor: "upp", data: { docs }, parameters: { p: 1 } });
    assert.is(camel.status, 200);
    assert.is(snake.status, 200);
    const strip = (json: any) => ({ header: { ...json.header, requestId: undefined }, parameters: json.parameters, data: json.data });
    assert.equal(strip(snake.json), strip(camel.json));
    assert.equal(camel.json.data.map((doc: { text: string }) => doc.text), ["ONE", "TWO"]);
    assert.equal(fake.calls.map((c) => c.endpoint), ["/search", "/search"]);
  } finally {
    await gateway.close();
  }
});

test.run();
