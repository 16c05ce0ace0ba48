// A no-op executor in plain JavaScript against the package build (dist/), as a user's compiled executor would be.
import { Executor, bindRequests } from "../../dist/mod.js";

export class Noop extends Executor {
  noop() {}
}
bindRequests(Noop, { "/": "noop" });
