/** An executor whose work is CPU: about `BENCH_WORK_MS` (default 20) ms of arithmetic per request, whatever the docs. */
import { Executor, requests } from "../mod.ts";
import { getEnv } from "../runtime/mod.ts";

const workMs = Number(getEnv("BENCH_WORK_MS") ?? 20);

export class Burner extends Executor {
  @requests()
  burn(): void {
    const until = performance.now() + workMs;
    let x = 0;
    while (performance.now() < until) for (let i = 0; i < 1000; i++) x = (x * 31 + i) % 1_000_003;
    if (x < 0) console.log(x);
  }
}
