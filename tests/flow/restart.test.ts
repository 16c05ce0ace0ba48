// jina-test-timeout: 300000
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Document, Flow } from "../../mod.ts";
import { superviseChild } from "../../flow/supervisor.ts";
import type { ChildHandle } from "../../runtime/mod.ts";
import { isProcessAlive, killProcess } from "../../runtime/mod.ts";
import { WhereAmI } from "./fixtures/executors.ts";

const fixtures = "./tests/flow/fixtures/executors.ts";

/** A child process stand-in: `die()` makes it exit as if it crashed; `stop()` records that it was stopped. */
function fakeChild(pid: number) {
  let exit: (code: number | string) => void = () => {};
  const exited = new Promise<number | string>((resolve) => (exit = resolve));
  let hasExited = false;
  const child = {
    pid,
    exited,
    stopped: false,
    get hasExited() {
      return hasExited;
    },
    lastOutput: () => "",
    waitForLine: () => new Promise<never>(() => {}),
    kill: () => child.die("SIGTERM"),
    stop: async () => {
      child.stopped = true;
      child.die(0);
      return exited;
    },
    die(code: number | string) {
      hasExited = true;
      exit(code);
    },
  };
  return child satisfies ChildHandle;
}

const waitFor = async (what: string, condition: () => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

test("a child that dies is relaunched; failed relaunches back off 1 → 2 → 4 → 4 ms (capped), each logged", async () => {
  const first = fakeChild(1);
  const logs: string[] = [];
  let calls = 0;
  const second = fakeChild(2);
  const supervisor = superviseChild(first, {
    name: "enc/rep-0",
    initialDelayMs: 1,
    maxDelayMs: 4,
    log: (message) => logs.push(message),
    relaunch: () => (++calls < 4 ? Promise.reject(new Error(`port in use (try ${calls})`)) : Promise.resolve(second)),
  });
  assert.is(supervisor.child.pid, 1);
  assert.is(supervisor.restarts, 0);
  first.die("SIGKILL");
  await waitFor("the restart", () => supervisor.restarts === 1);
  assert.is(calls, 4);
  assert.is(supervisor.child.pid, 2);
  const delays = logs.flatMap((line) => /restarting it in (\d+) ms/.exec(line)?.[1] ?? []).map(Number);
  assert.equal(delays, [1, 2, 4, 4]);
  assert.match(logs[0]!, /enc\/rep-0 \(pid 1\) exited with SIGKILL/);
  assert.match(logs[1]!, /could not be restarted: port in use \(try 1\)/);
  assert.match(logs.at(-1)!, /enc\/rep-0 restarted \(pid 2, restart 1\)/);
  await supervisor.close();
  assert.ok(second.stopped);
});

test("close() during the backoff cancels the restart and stops nothing new", async () => {
  const first = fakeChild(1);
  let calls = 0;
  const supervisor = superviseChild(first, {
    name: "enc/rep-0",
    initialDelayMs: 50,
    log: () => {},
    relaunch: () => {
      calls++;
      return Promise.resolve(fakeChild(2));
    },
  });
  first.die(1);
  await supervisor.close();
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.is(calls, 0);
  assert.is(supervisor.restarts, 0);
});

test("close() while a relaunch is starting aborts it; a child stopped by close() is not restarted", async () => {
  const first = fakeChild(1);
  let aborted = false;
  let relaunching: () => void = () => {};
  const started = new Promise<void>((resolve) => (relaunching = resolve));
  const supervisor = superviseChild(first, {
    name: "enc/rep-0",
    initialDelayMs: 1,
    log: () => {},
    relaunch: (signal) => {
      relaunching();
      return new Promise((_, reject) => signal.addEventListener("abort", () => (aborted = true, reject(new Error("aborted")))));
    },
  });
  first.die(1);
  await started;
  await supervisor.close();
  assert.ok(aborted);
  assert.is(supervisor.restarts, 0);

  const other = fakeChild(3);
  let calls = 0;
  const quiet = superviseChild(other, { name: "x", initialDelayMs: 1, log: () => {}, relaunch: () => (calls++, Promise.resolve(fakeChild(4))) });
  await quiet.close();
  assert.ok(other.stopped);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.is(calls, 0, "a child stopped by close() is not restarted");
});

test("SIGKILL of one of two spawned replicas during 500 sequential requests: every request succeeds and the flow restarts it on the same port", async () => {
  const root = mkdtempSync(join(tmpdir(), "jina-ts-flow-restart-"));
  await using cleanup = { [Symbol.asyncDispose]: async () => rmSync(root, { recursive: true, force: true }) };
  await using flow = await new Flow({ workspace: root }).add({ name: "tagger", uses: `${fixtures}#${WhereAmI.name}`, replicas: 2 }).start();
  const victim = flow.pods[0]!.shards[0]![0]!;
  const target = victim.target;
  const oldPid = victim.pid!;
  assert.ok(isProcessAlive(oldPid));
  assert.is(victim.restarts, 0);
  const servedByNew = new Set<number>();
  let sent = 0;
  // Generous: at load 30 the 500 sequential requests alone ran at ~10/s.
  const deadline = Date.now() + 150_000;
  // 500 requests, and then on until the restarted replica has answered (bounded by the deadline).
  while (sent < 500 || servedByNew.size === 0) {
    if (Date.now() > deadline) assert.unreachable(`after ${sent} requests in 150 s the restarted replica had not answered (restarts: ${victim.restarts}, pid ${victim.pid} vs killed ${oldPid})`);
    if (sent === 50) assert.ok(killProcess(oldPid, "SIGKILL"), "sent SIGKILL");
    const [doc] = await flow.post("/where", [new Document({ id: `q${sent}` })]).catch((error: Error) => {
      // uvu cannot print a ConnectError: fail with its message instead.
      throw new Error(`request ${sent} failed (${sent >= 50 ? "after" : "before"} the SIGKILL): ${error.message}`);
    });
    sent++;
    assert.type(doc?.tags.pid, "number", `request ${sent} was answered`);
    if ((victim.restarts ?? 0) > 0 && doc!.tags.pid === victim.pid) servedByNew.add(victim.pid!);
  }
  assert.ok(sent >= 500);
  assert.ok((victim.restarts ?? 0) >= 1, "the flow restarted the replica");
  assert.is.not(victim.pid, oldPid);
  assert.ok(isProcessAlive(victim.pid!), "the new process is alive");
  assert.not.ok(isProcessAlive(oldPid), "the killed process is gone");
  assert.is(victim.target, target, "same address: the gateway's target stays valid");
  const newPid = victim.pid!;
  await flow.close();
  assert.not.ok(isProcessAlive(newPid), "close() stops the restarted process");
});

test.run();
