/** An executor whose work is CPU: about `BENCH_WORK_MS` (default 20) ms of arithmetic per request, whatever the docs. */
import { Executor, requests } from "../mod.ts";
import { burn } from "./burn.ts";

export class Burner extends Executor {
  @requests()
  burn(): void {
    burn();
  }
}
