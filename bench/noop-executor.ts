/** An executor that does nothing: the cost of a hop, not of work. */
import { Executor, requests } from "../mod.ts";

export class Noop extends Executor {
  @requests()
  noop(): void {}
}
