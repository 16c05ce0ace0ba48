// The smoke test's executors in plain JavaScript (no decorators: bindRequests).
import { Executor, bindRequests } from "jina-ts";

export class Upper extends Executor {
  upper({ docs }) {
    for (const doc of docs) doc.text = (doc.text ?? "").toUpperCase();
  }
}
bindRequests(Upper, { "/run": "upper" });

export class Tagger extends Executor {
  tag({ docs }) {
    for (const doc of docs) doc.tags = { ...doc.tags, pid: process.pid };
  }
}
bindRequests(Tagger, { "/run": "tag" });
