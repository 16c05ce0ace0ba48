// The smoke test's executors in TypeScript, with decorators.
import { type DocumentArray, Executor, requests } from "jina-ts";

export class Upper extends Executor {
  @requests("/run")
  upper({ docs }: { docs: DocumentArray }): void {
    for (const doc of docs) doc.text = (doc.text ?? "").toUpperCase();
  }
}

export class Tagger extends Executor {
  @requests("/run")
  tag({ docs }: { docs: DocumentArray }): void {
    for (const doc of docs) doc.tags = { ...doc.tags, pid: process.pid };
  }
}
