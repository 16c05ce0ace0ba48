// The same no-op executor importing `jina-ts/executor` (dist/executor/mod.js) instead of the package root: the
// executor process then loads no gateway, flow, client or config code (issue 8, fast start).
import { Executor, bindRequests } from "../../dist/executor/mod.js";

export class Noop extends Executor {
  noop() {}
}
bindRequests(Noop, { "/": "noop" });
