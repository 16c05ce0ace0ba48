/**
 * `npm run bench`: the data-plane benchmarks one after the other (bench/hop.ts, bench/pipeline.ts,
 * bench/replicas.ts, bench/inprocess.ts, bench/client-post.ts), each against its baseline in the same run, then one table of ratios next to the goals of
 * issue 8, with the floor of each measure on Node's bare servers (no framework) in the same run below them. Counts
 * are kept small so that the whole run takes a few minutes (BENCH_REQUESTS / BENCH_REPS override).
 */
import { getEnv, spawnScript } from "../runtime/mod.ts";

type Result = Record<string, number | string | Record<string, number> | number[]>;

async function run(file: string, requests: number): Promise<Result> {
  const child = spawnScript(new URL(file, import.meta.url), {
    env: { BENCH_REQUESTS: getEnv("BENCH_REQUESTS") ?? String(requests) },
    onLine: (line) => void (line.startsWith("BENCH_RESULT ") || console.log(line)),
  });
  const result = await child.waitForLine((line) => (line.startsWith("BENCH_RESULT ") ? JSON.parse(line.slice(13)) as Result : undefined));
  await child.exited;
  return result;
}

const hop = await run("./hop.ts", 600);
const pipeline = await run("./pipeline.ts", 400);
const replicas = await run("./replicas.ts", 120);
const inProcess = await run("./inprocess.ts", 5000);
const post = await run("./client-post.ts", 300);
type PostCost = { wallRatio: number; cpuRatio: number };
const postRow = (protocol: string): [string, string, string] => {
  const cost = post[protocol] as unknown as PostCost;
  return [`client.post() of 1 doc over ${protocol}, c=1, time ÷ raw node:http2 client → proxy → echo (CPU of all processes: ${cost.cpuRatio}×)`, `${cost.wallRatio}×`, ""];
};
const rows: [string, string, string][] = [
  ["gRPC gateway + 1 no-op executor (processes), c=32 req/s ÷ raw node:http2 2-hop proxy", (hop.rpsRatio as number).toFixed(2), "≥ 0.8"],
  ["same, p50 at c=1 ÷ raw proxy", `${(hop.p50Ratio as number).toFixed(2)}×`, "≤ 1.3×"],
  [`HTTP gateway + 3 no-op executors (processes), 10 docs, c=32 ÷ Moleculer over ${pipeline.transporter}`, (pipeline.processesRatio as number).toFixed(2), "≥ 1.5"],
  ["all in one process ÷ one Moleculer broker", (pipeline.oneProcessRatio as number).toFixed(2), "≥ 3"],
  ["CPU-bound executor, replicas 2 ÷ replicas 1", (replicas.ratio as number).toFixed(2), "≥ 1.7"],
  ["3 in-process no-op stages without HTTP, CPU per request ÷ the same body through JSON parse + stringify alone", `${(inProcess.ratio as number).toFixed(2)}×`, ""],
  postRow("grpc"),
  postRow("http"),
  postRow("websocket"),
  // The floors: the same measure with no framework at all, in the same run (what the runtime and machine allow).
  [`floor: bare node:http front + 3 raw node:http2 echo processes, no codec ÷ Moleculer over ${pipeline.transporter}`, (pipeline.floorProcessesRatio as number).toFixed(2), "(≥ 1.5)"],
  ["floor: bare node:http JSON echo in one process ÷ one Moleculer broker", (pipeline.floorOneProcessRatio as number).toFixed(2), "(≥ 3)"],
  ["floor: the same work in raw node:http2 servers behind a raw round-robin proxy, 2 ÷ 1", (replicas.floorRatio as number).toFixed(2), "(≥ 1.7)"],
];
console.log("\n| measure (medians of per-rep ratios) | ratio | goal |\n|---|---|---|");
for (const [measure, ratio, goal] of rows) console.log(`| ${measure} | ${ratio} | ${goal} |`);
console.log(
  `\nCPU per request (gRPC hop, c=32): gateway ${(hop.gatewayCpuMsPerRequest as number).toFixed(3)} ms (÷ raw proxy ${(hop.gatewayCpuRatio as number).toFixed(2)}), ` +
    `executor ${(hop.executorCpuMsPerRequest as number).toFixed(3)} ms (÷ raw echo ${(hop.executorCpuRatio as number).toFixed(2)})`,
);
