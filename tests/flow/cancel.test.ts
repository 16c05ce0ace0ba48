import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, DocumentArray, Flow } from "../../mod.ts";
import { ErrorCode } from "../../proto/errors.ts";
import { rejection } from "../_setup.ts";
import { WaitsForCancel } from "./fixtures/executors.ts";

const fixtures = "./tests/flow/fixtures/executors.ts";

async function eventually(file: string, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${what}: ${file} did not appear within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const protocol of ["grpc", "http", "websocket", "connect"] as const) {
  for (const where of ["in process", "own process"] as const) {
    test(`cancelling a client call (${protocol}) fires the executor handler's signal (${where})`, async () => {
      const workspace = mkdtempSync(join(tmpdir(), "jina-ts-cancel-"));
      await using _removed = { [Symbol.asyncDispose]: async () => rmSync(workspace, { recursive: true, force: true }) }; // after the flow closes
      const uses = where === "in process" ? WaitsForCancel : `${fixtures}#WaitsForCancel`;
      // Connect is served on the HTTP port.
      await using flow = await new Flow({ protocol: protocol === "connect" ? "http" : protocol, workspace }).add({ name: "waiter", uses }).start();
      const client = new Client({ port: flow.port, protocol });
      const controller = new AbortController();
      const call = client.post("/", new DocumentArray([{ text: "wait" }]), { signal: controller.signal });
      call.catch(() => {}); // awaited below; keeps a failed wait from turning it into an unhandled rejection
      const folder = join(workspace, "waiter", "0");
      await eventually(join(folder, "started.txt"), "the handler never started");
      controller.abort();
      const error = await rejection(call);
      assert.equal(error.code, ErrorCode.Canceled);
      await eventually(join(folder, "cancelled.txt"), "the handler's signal never fired");
      client.close();
    });
  }
}

test.run();
