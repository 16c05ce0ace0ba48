import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Flow } from "../../mod.ts";
import { ErrorCode } from "../../proto/errors.ts";
import { createGateway } from "../../gateway/mod.ts";
import { spawnScript } from "../../runtime/mod.ts";
import { rejection, skipIf } from "../_setup.ts";
import { makeTestCertificates } from "../fixtures/tls.ts";
import { Passthrough } from "./fixtures/executors.ts";

const certificates = makeTestCertificates();
const noOpenssl = typeof certificates === "string" ? certificates : undefined;
const protocols = ["grpc", "http", "websocket"] as const;

skipIf(test, noOpenssl, "a flow with tls serves gRPC, HTTPS, WSS and Connect; a client that trusts the CA gets answers with tls: true", async () => {
  if (typeof certificates === "string") return;
  await using flow = await new Flow({ protocol: [...protocols], tls: { cert: certificates.cert, key: certificates.key } })
    .add({ name: "echo", uses: Passthrough })
    .start();
  const child = spawnScript("./tests/flow/fixtures/tls-client.ts", {
    args: [...protocols.map((protocol, index) => `${protocol}:${flow.ports[index]}`), `connect:${flow.ports[1]}`],
    env: certificates.env,
  });
  const results = await child.waitForLine((line) => line.startsWith("TLS_RESULTS ") ? JSON.parse(line.slice(12)) : undefined);
  await child.exited;
  assert.equal(results, { grpc: ["over grpc"], http: ["over http"], websocket: ["over websocket"], connect: ["over connect"] });
});

skipIf(test, noOpenssl, "a plain-text client cannot talk to a TLS port, and a TLS port refuses untrusted clients", async () => {
  if (typeof certificates === "string") return;
  await using flow = await new Flow({ protocol: "http", tls: { cert: certificates.cert, key: certificates.key } })
    .add({ name: "echo", uses: Passthrough })
    .start();
  await assert.not.ok(await fetch(`http://127.0.0.1:${flow.port}/`).then((r) => r.ok, () => false));
  const child = spawnScript("./tests/flow/fixtures/tls-client.ts", { args: [`http:${flow.port}`] });
  const results = await child.waitForLine((line) => line.startsWith("TLS_RESULTS ") ? JSON.parse(line.slice(12)) : undefined);
  await child.exited;
  assert.match(JSON.stringify(results.http), /error/);
});

test("the Flow's tls option names a missing file, and gateway.serve() rejects tls that is not PEM text", async () => {
  const error = await rejection(new Flow({ tls: { cert: "./no/such/cert.pem", key: "./no/such/key.pem" } }).start());
  assert.equal(error.code, ErrorCode.InvalidArgument);
  assert.match(error.message, /tls\.cert: cannot read "\.\/no\/such\/cert\.pem"/);
  const gateway = createGateway({ graph: { "start-gateway": ["end-gateway"] }, deployments: [] });
  try {
    const notPem = await rejection(gateway.serve({ protocol: "http", tls: { cert: "./cert.pem", key: "./key.pem" } }));
    assert.equal(notPem.code, ErrorCode.InvalidArgument);
    assert.match(notPem.message, /tls\.cert must be PEM text/);
  } finally {
    await gateway.close();
  }
});

test.run();
