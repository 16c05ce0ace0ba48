/**
 * bench/codec: encode + decode of a DataRequest with 1,000 documents × 768 float32 embeddings, against copying the
 * same bytes. In one run, alternating: the fast codec (encodeDataRequest + decodeDataRequest: an owned, new output
 * buffer), the same encoded in one pass into a buffer lent by a `WireArena` (encodeDataRequestLeased, what a gRPC hop
 * sends), both in a gRPC frame (the envelope's prefix written into the codec's buffer; and, as before, the message
 * copied into a frame), protobuf-es (toBinary + fromBinary), the baseline — a plain memcpy: `target.set(bytes)` of
 * the encoded bytes into a buffer allocated once before the run — and an allocate-and-copy (`slice`). Prints medians of wall time and of CPU time (user + system: steadier than wall time on a loaded
 * machine) and their ratios to the memcpy, then a `BENCH_RESULT {json}` line (bench/runtimes.ts). Bounded to a few
 * seconds (BENCH_CODEC_REPS).
 *
 * Every case, the memcpy included, first runs unrecorded for BENCH_CODEC_WARMUP reps (default 10) and at least
 * BENCH_CODEC_WARMUP_MS (default 1,000 ms): the steady state is measured, not the JIT's tiers (Bun's JavaScriptCore
 * took 150–250 encode+decode pairs to reach its top tier, two to three times as long under load, and its compiler
 * threads' CPU is charged to the process). BENCH_CODEC_CASES (comma-separated keys: slice, owned, arena,
 * framedArena, framed, framedCopy, protobuf; the memcpy always runs) measures only those cases in this process, so
 * that a case is not charged for the garbage collection of another case's garbage (protobuf-es's objects, the 3 MB
 * fresh buffers of `slice` and the owned encoder). BENCH_CODEC_TRACE=1 prints every sample.
 *
 * @module
 */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  createDataRequest,
  dataRequestCodec,
  decodeDataRequest,
  DocumentArray,
  encodeDataRequest,
  encodeDataRequestLeased,
  WireArena,
} from "../docarray/mod.ts";
import { DataRequestProtoSchema } from "../proto/gen/jina_pb.ts";
import { encodeEnvelope, encodeEnvelopeLeased, envelopedMessage, grpcEnvelope } from "../runtime/grpc-frame.ts";
import { getEnv } from "../runtime/mod.ts";
import { median } from "./measure.ts";

const reps = Number(getEnv("BENCH_CODEC_REPS") ?? 30);
const warmupReps = Number(getEnv("BENCH_CODEC_WARMUP") ?? 10);
const warmupMs = Number(getEnv("BENCH_CODEC_WARMUP_MS") ?? 1000);
const docs = new DocumentArray();
for (let i = 0; i < 1000; i++) {
  const embedding = new Float32Array(768);
  for (let j = 0; j < 768; j++) embedding[j] = Math.sin(i * 768 + j);
  docs.push({ embedding });
}
const request = createDataRequest({ endpoint: "/index", docs });
const bytes = encodeDataRequest(request);
const target = new Uint8Array(bytes.length); // the memcpy's destination: allocated (and paged in) once
const arena = new WireArena();

/** Encodes into a lent buffer, decodes, then releases (the decoded request holds views into it: dropped first). */
function leased(): void {
  const lease = encodeDataRequestLeased(request, arena);
  decodeDataRequest(lease.bytes);
  lease.release();
}

function framedLeased(): void {
  const frame = encodeEnvelopeLeased(dataRequestCodec, request);
  decodeDataRequest(envelopedMessage(frame.bytes));
  frame.release();
}

/** Each case by its key (BENCH_CODEC_CASES): its printed name, and one run of it. */
const allCases: Record<string, [string, () => unknown]> = {
  memcpy: ["memcpy (set)", () => target.set(bytes)],
  slice: ["alloc + copy (slice)", () => bytes.slice()],
  owned: ["encodeDataRequest + decodeDataRequest", () => decodeDataRequest(encodeDataRequest(request))],
  arena: ["arena: encodeDataRequestLeased (one pass, lent buffer) + decodeDataRequest + release", leased],
  framedArena: ["gRPC frame, arena: encodeEnvelopeLeased + decode + release", framedLeased],
  // what a gRPC hop does: the message in its 5-byte envelope, then decoded at the other end
  framed: [
    "gRPC frame: encodeEnvelope (prefix in the codec's buffer) + decode",
    () => decodeDataRequest(envelopedMessage(encodeEnvelope(dataRequestCodec, request))),
  ],
  framedCopy: [
    "gRPC frame: encode + grpcEnvelope copy (before) + decode",
    () => decodeDataRequest(grpcEnvelope(encodeDataRequest(request), false).subarray(5)),
  ],
  protobuf: ["protobuf-es toBinary + fromBinary", () => fromBinary(DataRequestProtoSchema, toBinary(DataRequestProtoSchema, request))],
};
const selected = getEnv("BENCH_CODEC_CASES")?.split(",");
const cases: Record<string, () => unknown> = Object.fromEntries(
  Object.entries(allCases).filter(([key]) => key === "memcpy" || !selected || selected.includes(key)).map(([, [name, run]]) => [name, run]),
);
const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
const cpuTimes: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
const cpuMs = () => {
  const { user, system } = globalThis.process.cpuUsage();
  return (user + system) / 1000;
};
/** One rep: every case once, its sample recorded unless `record` is false (the warm-up). */
function rep(index: number, record: boolean): void {
  for (const [name, run] of Object.entries(cases)) {
    if (name.startsWith("protobuf-es") && index % 5 !== 0) continue; // slow: every fifth rep is enough
    // Runs per sample: the memcpy 20, protobuf-es 1, every other case 4, so that a sample holds most of the garbage
    // collection its own case causes (20 slices per sample had left 60 MB of garbage whose collection then landed in
    // the next case) and a case is not charged much of the previous case's.
    const inner = name.startsWith("memcpy") ? 20 : name.startsWith("protobuf-es") ? 1 : 4;
    const c0 = cpuMs();
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) run();
    if (!record) continue;
    times[name]?.push((performance.now() - t0) / inner);
    cpuTimes[name]?.push((cpuMs() - c0) / inner);
  }
}
const warmupStart = performance.now();
for (let index = 0; index < warmupReps || performance.now() - warmupStart < warmupMs; index++) rep(index, false);
for (let index = 0; index < reps; index++) rep(index, true);
if (getEnv("BENCH_CODEC_TRACE")) {
  for (const [name, list] of Object.entries(cpuTimes)) console.log(`CPU ms per run, ${name}: ${list.map((v) => v.toFixed(2)).join(" ")}`);
}
const base = median(times["memcpy (set)"] ?? []);
const cpuBase = median(cpuTimes["memcpy (set)"] ?? []);
console.log(`\nDataRequest encode+decode, 1,000 × 768 float32 (${(bytes.length / 1e6).toFixed(1)} MB), ${reps} alternating reps after a warm-up:`);
console.log("baseline: a plain memcpy, target.set(bytes) into a buffer allocated once before the run (20 per sample; codec cases 4)");
console.log("| case | median ms | ÷ memcpy | median CPU ms | ÷ memcpy (CPU) |");
console.log("|---|---|---|---|---|");
for (const [name, list] of Object.entries(times)) {
  const m = median(list);
  const c = median(cpuTimes[name] ?? []);
  console.log(`| ${name} | ${m.toFixed(3)} | ${(m / base).toFixed(1)}× | ${c.toFixed(3)} | ${(c / cpuBase).toFixed(1)}× |`);
}
/** A case's median CPU ÷ the memcpy's (undefined when the case did not run: left out of BENCH_RESULT). */
const cpuRatio = (key: string) => (allCases[key]![0] in cpuTimes ? median(cpuTimes[allCases[key]![0]]!) / cpuBase : undefined);
const owned = allCases.owned![0];
console.log(`BENCH_RESULT ${JSON.stringify({
  cpuRatio: cpuRatio("owned"),
  wallRatio: owned in times ? median(times[owned]!) / base : undefined,
  framedCpuRatio: cpuRatio("framed"),
  leasedCpuRatio: cpuRatio("arena"),
  framedLeasedCpuRatio: cpuRatio("framedArena"),
  sliceCpuRatio: cpuRatio("slice"),
})}`);
