/**
 * Fuzz of the gateway's WebSocket frames (issue 4, "Bad input"): 1,000 random and mutated frames over the `json` and
 * `bytes` subprotocols (text and binary frames, in both modes). Every frame must get exactly one answer — a response
 * or an in-band error in Jina's shape saying what was wrong — and the socket must stay open; afterwards a normal
 * request on the same socket works and the end marker closes it with 1000. Frames over `maxRequestBytes` get an
 * in-band error, frames far over it close the socket with 1009, and a new socket works. `FUZZ_SEED` replays a run.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { createDataRequest, DocumentArray, docsOf } from "../../docarray/mod.ts";
import { type DataRequestProto, DataRequestProtoSchema } from "../../proto/gen/jina_pb.ts";
import type { Server } from "../../runtime/mod.ts";
import { type FuzzGateway, fuzzMaxRequestBytes, serveFuzzGateway } from "./_gateway.ts";
import { createRng, describeBody, type FuzzCase, fuzzSeed, jsonCases, protoCases, validPostBodies } from "./_corpus.ts";

const maxRequestBytes = fuzzMaxRequestBytes;
const sockets = 8;

/** The part of the WebSocket API used here (the global one on Deno and Bun, `ws` on Node 20). */
interface Socket {
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number): void;
}
type SocketClass = new (url: string, protocols?: string | string[]) => Socket;

async function socketClass(): Promise<SocketClass> {
  const global = (globalThis as { WebSocket?: SocketClass }).WebSocket;
  if (global) return global;
  return (await import("ws")).default as unknown as SocketClass;
}

function start(): Promise<FuzzGateway> {
  return serveFuzzGateway("websocket");
}

type Mode = "json" | "bytes";

interface Frame extends FuzzCase {
  /** Sent as a text frame (else binary). */
  text: boolean;
}

const decoder = new TextDecoder();

function isEndMarker(mode: Mode, frame: Frame): boolean {
  if (mode === "bytes") return !frame.text && frame.body.byteLength === 1 && frame.body[0] === 0;
  try {
    const json = JSON.parse(decoder.decode(frame.body));
    return typeof json === "object" && json !== null && !Array.isArray(json) && Object.keys(json).length === 0;
  } catch {
    return false;
  }
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function buildFrames(seed: number, mode: Mode, n: number): Frame[] {
  const rng = createRng(seed + (mode === "json" ? 0 : 1));
  const base = mode === "json" ? jsonCases(rng, n, validPostBodies()) : protoCases(rng, n);
  return base
    .map((c): Frame => {
      // mostly the mode's own frame type; sometimes the other one (bytes as text, JSON as binary)
      const text = mode === "json" ? isUtf8(c.body) && rng.chance(0.85) : rng.chance(0.05);
      return { ...c, text, label: `${mode} ${text ? "text" : "binary"} frame: ${c.label}` };
    })
    .filter((frame) => !isEndMarker(mode, frame) && !(frame.text && !isUtf8(frame.body)));
}

/** What one answer frame says: the request id and whether it is an error with a message. */
function readAnswer(mode: Mode, data: unknown): { ok: true; response: { code: number; message: string; texts: string[] } } | { ok: false; problem: string } {
  try {
    if (mode === "json") {
      if (typeof data !== "string") return { ok: false, problem: "a binary answer on the json subprotocol" };
      const json = JSON.parse(data);
      if (typeof json?.header !== "object" || !Array.isArray(json?.data)) return { ok: false, problem: `an answer not in Jina's shape: ${data.slice(0, 200)}` };
      const status = json.header.status ?? {};
      return { ok: true, response: { code: status.code ?? 0, message: status.exception?.args?.[0] ?? status.description ?? "", texts: json.data.map((doc: { text?: string }) => doc.text ?? "") } };
    }
    if (typeof data === "string") return { ok: false, problem: "a text answer on the bytes subprotocol" };
    const response: DataRequestProto = fromBinary(DataRequestProtoSchema, new Uint8Array(data as ArrayBuffer));
    const status = response.header?.status;
    return { ok: true, response: { code: status?.code ?? 0, message: status?.exception?.args?.[0] ?? status?.description ?? "", texts: response.data?.documents.case === "docs" ? docsOf(response).texts.map((t) => t ?? "") : [] } };
  } catch (error) {
    return { ok: false, problem: `an unreadable answer: ${(error as Error).message}` };
  }
}

const normalJson = JSON.stringify({ execEndpoint: "/search", data: [{ id: "after", text: "still serving" }] });
const normalBytes = () => toBinary(DataRequestProtoSchema, createDataRequest({ endpoint: "/search", docs: new DocumentArray([{ id: "after", text: "still serving" }]) }));

/**
 * Tells a hang from a slow machine: `quiet()` is how long no session heard from the server (an answer or a close on
 * any socket), not counting the time this process's event loop was held up (a 250-ms tick arriving late: the
 * process was busy or not scheduled, so answers could not be read either). Under CI load (25 on 2 cores) the first
 * test took 20–50 s of wall time for 2–4 s of CPU, with the event loop held up for 8 and 12 s in a row; then every
 * answer arrived at once, just after a fixed 20-s timer had fired. A real hang leaves the loop idle and on time.
 */
function createWatchdog(tickMs = 250): { heard(): void; quiet(): number; stop(): void } {
  let last = Date.now();
  let tick = last;
  /** Moves `last` on by how late this tick is (also called by quiet(), which may run before the tick). */
  const catchUp = (now: number) => {
    const late = now - tick - tickMs;
    if (late > tickMs) last += late;
    tick = now;
  };
  const timer = setInterval(() => catchUp(Date.now()), tickMs);
  return {
    heard: () => void (last = Date.now()),
    quiet: () => (catchUp(Date.now()), Date.now() - last),
    stop: () => clearInterval(timer),
  };
}

/** How long the server may stay silent, by {@link createWatchdog}'s count, before the sessions still open count as hung. */
const quietMs = 20_000;

/**
 * Sends `frames` on one socket (answers in request order), then a normal request, then the end marker; resolves with
 * the problems found (each naming the frame).
 */
async function session(WebSocket: SocketClass, url: string, mode: Mode, frames: Frame[], seed: number, watchdog: ReturnType<typeof createWatchdog>): Promise<string[]> {
  const problems: string[] = [];
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}/?results_in_order=true`, mode);
  socket.binaryType = "arraybuffer";
  const answers: unknown[] = [];
  const expected = frames.length + 1;
  let closed: { code: number; reason: string } | undefined;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (watchdog.quiet() < quietMs) return;
      problems.push(`${mode}: ${answers.length} of ${expected} answers, then nothing on any socket for ${quietMs / 1000} s (hang); first unanswered: ${frames[answers.length]?.label ?? "the normal request"}`);
      done();
    }, 1000);
    const done = () => (clearInterval(timer), resolve());
    socket.onerror = () => {};
    socket.onopen = () => {
      for (const frame of frames) socket.send(frame.text ? decoder.decode(frame.body) : frame.body);
      socket.send(mode === "json" ? normalJson : normalBytes());
      socket.send(mode === "json" ? "{}" : new Uint8Array([0]));
    };
    socket.onmessage = (event) => {
      watchdog.heard();
      answers.push(event.data);
    };
    socket.onclose = (event) => {
      watchdog.heard();
      closed = { code: event.code, reason: event.reason };
      done();
    };
  });
  if (!closed) socket.close();
  if (closed && closed.code !== 1000) {
    const culprit = frames[answers.length];
    problems.push(
      `${mode}: the socket closed with ${closed.code} ${JSON.stringify(closed.reason)} after ${answers.length} of ${expected} answers` +
        (culprit ? `; first unanswered #${answers.length} [${culprit.label}] body=${describeBody(culprit.body)}` : ""),
    );
  }
  if (answers.length > expected) problems.push(`${mode}: ${answers.length} answers to ${expected} requests`);
  answers.forEach((data, i) => {
    const frame = frames[i];
    const answer = readAnswer(mode, data);
    const where = frame ? `${mode} #${i} [${frame.label}] body=${describeBody(frame.body)}` : `${mode} normal request`;
    if (!answer.ok) problems.push(`${where}: ${answer.problem}`);
    else if (!frame) {
      if (answer.response.code !== 0 || answer.response.texts.join() !== "STILL SERVING") {
        problems.push(`${where}: after the fuzz the normal request got ${JSON.stringify(answer.response)}`);
      }
    } else if (answer.response.code === 1 && answer.response.message.trim().length < 10) {
      problems.push(`${where}: an in-band error without a message saying what was wrong: ${JSON.stringify(answer.response.message)}`);
    } else if (frame.label.endsWith(": valid") && frame.text === (mode === "json") && answer.response.code !== 0) {
      problems.push(`${where}: a valid request failed: ${answer.response.message}`);
    }
  });
  return problems.map((problem) => `${problem} (seed ${seed}; replay with FUZZ_SEED=${seed})`);
}

test("WebSocket json and bytes: 1,000 random and mutated frames each get one clear answer, the socket goes on, then a normal request works", async () => {
  const WebSocket = await socketClass();
  const seed = fuzzSeed("websocket");
  const flow = await start();
  const watchdog = createWatchdog();
  try {
    const work: Promise<string[]>[] = [];
    for (const mode of ["json", "bytes"] as const) {
      const frames = buildFrames(seed, mode, 500);
      const per = Math.ceil(frames.length / (sockets / 2));
      for (let at = 0; at < frames.length; at += per) work.push(session(WebSocket, flow.server.url, mode, frames.slice(at, at + per), seed, watchdog));
    }
    const problems = (await Promise.all(work)).flat();
    assert.equal(problems.length, 0, `fuzz websocket: ${problems.length} problem(s):\n  ${problems.slice(0, 8).join("\n  ")}`);
    console.log(`fuzz websocket: 1000 frames answered (seed ${seed})`);
  } finally {
    watchdog.stop();
    await flow.close();
  }
});

test("WebSocket: a frame over maxRequestBytes gets an in-band error, one far over closes with 1009, and a new socket works", async () => {
  const WebSocket = await socketClass();
  const flow = await start();
  try {
    const over = JSON.stringify({ data: [{ text: "x".repeat(maxRequestBytes) }] });
    const farOver = JSON.stringify({ data: [{ text: "x".repeat(3 * maxRequestBytes) }] });
    const run = (frames: string[]) =>
      new Promise<{ answers: string[]; code: number }>((resolve, reject) => {
        const socket = new WebSocket(`${flow.server.url.replace(/^http/, "ws")}/?results_in_order=true`, "json");
        const answers: string[] = [];
        const timer = setTimeout(() => reject(new Error(`no close within 20 s; answers so far: ${answers.length}`)), 20_000);
        socket.onerror = () => {};
        socket.onopen = () => {
          for (const frame of frames) socket.send(frame);
        };
        socket.onmessage = (event) => void answers.push(String(event.data));
        socket.onclose = (event) => (clearTimeout(timer), resolve({ answers, code: event.code }));
      });
    const inBand = await run([over, normalJson, "{}"]);
    assert.is(inBand.code, 1000);
    assert.is(inBand.answers.length, 2);
    const error = JSON.parse(inBand.answers[0]!);
    assert.is(error.header.status.code, 1);
    assert.match(error.header.status.exception.args[0], /larger than maxRequestBytes \(65536 bytes\)/);
    assert.equal(JSON.parse(inBand.answers[1]!).data.map((doc: { text: string }) => doc.text), ["STILL SERVING"]);
    const dropped = await run([farOver]);
    assert.is(dropped.code, 1009, "a frame far over the limit closes the socket with 1009 (message too big)");
    const after = await run([normalJson, "{}"]);
    assert.is(after.code, 1000);
    assert.equal(JSON.parse(after.answers[0]!).data.map((doc: { text: string }) => doc.text), ["STILL SERVING"]);
  } finally {
    await flow.close();
  }
});

test.run();
