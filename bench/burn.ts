/** The CPU work of bench/replicas.ts: about `BENCH_WORK_MS` (default 20) ms of arithmetic per call. */
import { getEnv } from "../runtime/mod.ts";

/** The milliseconds each call of {@link burn} works. */
export const workMs = Number(getEnv("BENCH_WORK_MS") ?? 20);

/** `workMs` of arithmetic (the Burner executor's work and its floor's, `bench/serve-raw-echo.ts burn`). */
export function burn(): void {
  const until = performance.now() + workMs;
  let x = 0;
  while (performance.now() < until) for (let i = 0; i < 1000; i++) x = (x * 31 + i) % 1_000_003;
  if (x < 0) console.log(x);
}
