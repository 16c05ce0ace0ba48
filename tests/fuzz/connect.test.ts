/**
 * Fuzz of the Connect protocol on the gateway's HTTP port (issue 4, "Bad input"): 1,000 random and mutated bodies
 * to `jina.JinaSingleDataRequestRPC/process_single_data` (`application/proto` and `application/json`),
 * `jina.JinaRPC/Call` (`application/connect+proto` envelopes) and unknown methods. Every answer must be a Connect
 * answer with a sensible code (a response, `invalid_argument`, `resource_exhausted`, `unimplemented`, or an
 * unknown path's 404 in Jina's shape), never `internal`/`unknown`/`unavailable`, a 5xx or a hang; bodies over
 * `maxRequestBytes` answer `resource_exhausted`; afterwards a normal call works. `FUZZ_SEED` replays a run.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import { createDataRequest, DocumentArray } from "../../docarray/mod.ts";
import { DataRequestProtoSchema } from "../../proto/gen/jina_pb.ts";
import type { Server } from "../../runtime/mod.ts";
import { type FuzzGateway, fuzzMaxRequestBytes, serveFuzzGateway } from "./_gateway.ts";
import { createRng, type FuzzCase, fuzzSeed, grpcFrame, protoCases, protoJsonCases, runCases, assertFuzzPassed } from "./_corpus.ts";

const maxRequestBytes = fuzzMaxRequestBytes;
const single = "/jina.JinaSingleDataRequestRPC/process_single_data";
const call = "/jina.JinaRPC/Call";
/** Connect error codes that say the input was wrong (or too big, or a method that does not take it). */
const clientCodes = new Set(["invalid_argument", "resource_exhausted", "unimplemented", "not_found", "out_of_range", "failed_precondition"]);
const okStatuses = new Set([200, 400, 404, 405, 413, 415, 429, 501]);

function start(): Promise<FuzzGateway> {
  return serveFuzzGateway("http");
}

interface ConnectCase extends FuzzCase {
  path: string;
  contentType: string;
  kind: "proto" | "json" | "stream" | "unknown";
}

function buildCases(seed: number, n: number): ConnectCase[] {
  const rng = createRng(seed);
  const proto = protoCases(rng, Math.floor(n * 0.45));
  const json = protoJsonCases(rng, Math.floor(n * 0.35));
  const stream = protoCases(rng, n - proto.length - json.length);
  const cases: ConnectCase[] = [];
  for (const c of proto) cases.push({ ...c, path: single, contentType: "application/proto", kind: "proto" });
  for (const c of json) cases.push({ ...c, path: single, contentType: rng.pick(["application/json", "application/json; charset=utf-8"]), kind: "json" });
  for (const c of stream) {
    if (rng.chance(0.25)) {
      const path = rng.pick(["/jina.JinaRPC/Nope", "/nope.Service/Call", `${single}x`]);
      cases.push({ ...c, label: `unknown method ${path}: ${c.label}`, path, contentType: "application/proto", kind: "unknown" });
    } else {
      // Connect streaming: enveloped messages (sometimes mis-framed by the mutation itself: it is the whole body).
      const body = rng.chance(0.7) ? grpcFrame(c.body) : c.body;
      cases.push({ ...c, label: `Call stream: ${c.label}`, body, path: call, contentType: rng.pick(["application/connect+proto", "application/connect+json"]), kind: "stream" });
    }
  }
  return cases;
}

/** The envelopes of a Connect streaming body: [flags, data]. */
function envelopes(body: Uint8Array): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  let at = 0;
  while (at + 5 <= body.byteLength) {
    const length = new DataView(body.buffer, body.byteOffset + at + 1, 4).getUint32(0);
    out.push([body[at] ?? 0, body.subarray(at + 5, at + 5 + length)]);
    at += 5 + length;
  }
  return out;
}

function checkConnectError(json: any, where: string): string | undefined {
  if (typeof json?.code !== "string" || !clientCodes.has(json.code)) return `${where}: Connect code ${JSON.stringify(json?.code)} (want one of ${[...clientCodes].join(", ")}): ${JSON.stringify(json).slice(0, 300)}`;
  if (typeof json.message !== "string" || json.message.trim() === "") return `${where}: Connect error without a message saying what was wrong`;
  return undefined;
}

function checkAnswer(c: ConnectCase, status: number, contentType: string, body: Uint8Array): string | undefined {
  const text = () => new TextDecoder().decode(body).slice(0, 300);
  if (!okStatuses.has(status)) return `HTTP ${status} (want one of ${[...okStatuses].join(", ")}): ${text()}`;
  if (c.kind === "unknown") {
    if (status !== 404) return `unknown method answered HTTP ${status} (want 404): ${text()}`;
    return undefined;
  }
  if (status === 415) return c.contentType.includes("connect+") || c.contentType.startsWith("application/json") || c.contentType === "application/proto" ? `HTTP 415 for ${c.contentType}` : undefined;
  if (c.kind === "stream") {
    if (status !== 200) {
      try {
        return checkConnectError(JSON.parse(new TextDecoder().decode(body)), `HTTP ${status}`);
      } catch {
        return `HTTP ${status} with a body that is not a Connect error: ${text()}`;
      }
    }
    const frames = envelopes(body);
    const end = frames.at(-1);
    if (!end || !(end[0] & 0x02)) return "a Connect stream without its end-stream frame";
    const trailer = JSON.parse(new TextDecoder().decode(end[1])) as { error?: unknown };
    if (trailer.error) return checkConnectError(trailer.error, "end-stream error");
    for (const [flags, data] of frames.slice(0, -1)) {
      if (flags !== 0) continue;
      if (c.contentType.endsWith("+proto")) fromBinary(DataRequestProtoSchema, data);
    }
    return undefined;
  }
  if (status === 200) {
    if (c.kind === "proto") {
      if (!contentType.startsWith("application/proto")) return `200 with content-type ${contentType}`;
      const response = fromBinary(DataRequestProtoSchema, body);
      if (c.label === "valid" && (response.header?.status?.code ?? 0) !== 0) return `a valid request failed in-band: ${response.header?.status?.description}`;
    } else {
      const json = JSON.parse(new TextDecoder().decode(body));
      if (typeof json !== "object" || json === null) return `200 with a JSON body that is not an object: ${text()}`;
    }
    return undefined;
  }
  try {
    return checkConnectError(JSON.parse(new TextDecoder().decode(body)), `HTTP ${status}`);
  } catch {
    return `HTTP ${status} with a body that is not a Connect error: ${text()}`;
  }
}

test("Connect on the HTTP port: 1,000 random and mutated bodies get a clear Connect answer, never internal or a hang", async () => {
  const seed = fuzzSeed("connect");
  const cases = buildCases(seed, 1000);
  const flow = await start();
  try {
    const result = await runCases("connect", seed, cases, 16, async (c, _, signal) => {
      const response = await fetch(`${flow.server.url}${c.path}`, { method: "POST", body: c.body, headers: { "content-type": c.contentType }, signal });
      const body = new Uint8Array(await response.arrayBuffer());
      return checkAnswer(c, response.status, response.headers.get("content-type") ?? "", body);
    });
    assertFuzzPassed(result);
    console.log(result.report);
    await normalCallWorks(flow.server);
  } finally {
    await flow.close();
  }
});

test("Connect: a message over maxRequestBytes answers resource_exhausted (binary and JSON) and the port keeps serving", async () => {
  const flow = await start();
  try {
    const request = createDataRequest({ docs: new DocumentArray([{ text: "x".repeat(maxRequestBytes) }]) });
    const bodies: Array<[string, BodyInit]> = [
      ["application/proto", new Uint8Array(toBinary(DataRequestProtoSchema, request))],
      ["application/json", JSON.stringify(toJson(DataRequestProtoSchema, request))],
    ];
    for (const [contentType, body] of bodies) {
      const response = await fetch(`${flow.server.url}${single}`, { method: "POST", body, headers: { "content-type": contentType }, signal: AbortSignal.timeout(10_000) });
      const json = await response.json();
      assert.is(json.code, "resource_exhausted", `${contentType}: HTTP ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
      assert.match(json.message, /larger than/);
      assert.ok(response.status === 413 || response.status === 429, `${contentType}: HTTP ${response.status}`);
    }
    await normalCallWorks(flow.server);
  } finally {
    await flow.close();
  }
});

async function normalCallWorks(server: Server): Promise<void> {
  const request = createDataRequest({ endpoint: "/search", docs: new DocumentArray([{ id: "after", text: "still serving" }]) });
  const response = await fetch(`${server.url}${single}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(toJson(DataRequestProtoSchema, request)),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  assert.is(response.status, 200, `the normal call after the fuzz: ${text.slice(0, 300)}`);
  const json = JSON.parse(text);
  assert.equal(json.data.docs.docs.map((doc: { id: string; text: string }) => [doc.id, doc.text]), [["after", "STILL SERVING"]]);
}

test.run();
