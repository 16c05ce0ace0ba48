// The exported docker-compose topology's own commands, each executor replica and the gateway on a "host" of its
// own: Linux network namespaces joined by veth pairs (root ↔ gateway, gateway ↔ each replica), addresses in
// 10.200.<k>.0/24 that exist only on these links. Root only; skipped by name otherwise. Everything it creates is
// removed on every exit path (finally, and SIGINT/SIGTERM), and leftovers of a crashed run are removed first.
// Three processes start and 1,000 requests run: on a busy machine that can take minutes.
// jina-test-timeout: 420000
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Client, DocumentArray, Flow } from "../../mod.ts";
import { dockerComposeSpec } from "../../deploy/mod.ts";
import { gatewayReadyPrefix } from "../../gateway/mod.ts";
import { isProcessAlive, scriptCommand } from "../../runtime/mod.ts";
import { skipIf } from "../_setup.ts";

const cli = fileURLToPath(new URL("../../cli/main.ts", import.meta.url));
const tag = `jt${process.pid}`;

function skipReason(): string | undefined {
  if (process.platform !== "linux") return "network namespaces need Linux";
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "not root: creating network namespaces needs root";
  try {
    execFileSync("ip", ["netns", "list"], { stdio: "ignore" });
  } catch {
    return "the ip command (iproute2) is missing or cannot list network namespaces";
  }
  return undefined;
}

function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
}

function namespacePids(ns: string): number[] {
  try {
    return ip("netns", "pids", ns).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killNamespace(ns: string): void {
  for (const pid of namespacePids(ns)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Whether a namespace or link name is this run's (`prefix`), or a leftover of a run whose process is gone. */
function ours(name: string, prefix: string | undefined): boolean {
  if (prefix !== undefined) return name.startsWith(prefix);
  const pid = /^jt(\d+)[a-z]/.exec(name)?.[1];
  return pid !== undefined && !isProcessAlive(Number(pid));
}

/** Removes every namespace and link of this run (`prefix`), or (no prefix) of runs that died before their finally. */
function cleanUp(prefix: string | undefined): void {
  const namespaces = ip("netns", "list").split("\n").map((line) => line.split(" ")[0]!).filter((name) => ours(name, prefix));
  for (const ns of namespaces) {
    killNamespace(ns);
    try {
      ip("netns", "del", ns);
    } catch {
      // gone
    }
  }
  const links = ip("-o", "link", "show").split("\n").map((line) => line.split(": ")[1]?.split("@")[0] ?? "").filter((name) => ours(name, prefix));
  for (const link of links) {
    try {
      ip("link", "del", link);
    } catch {
      // removed with its namespace
    }
  }
}

/** Links two ends: `a` (in namespace `nsA`, or the root one) and `b` in `nsB`, each with its /30 address. */
function link(a: string, nsA: string | undefined, addressA: string, b: string, nsB: string, addressB: string): void {
  ip("link", "add", a, "type", "veth", "peer", "name", b);
  if (nsA) ip("link", "set", a, "netns", nsA);
  ip("link", "set", b, "netns", nsB);
  const inNs = (ns: string | undefined, ...args: string[]) => (ns ? ip("-n", ns, ...args) : ip(...args));
  inNs(nsA, "addr", "add", addressA, "dev", a);
  inNs(nsA, "link", "set", a, "up");
  inNs(nsB, "addr", "add", addressB, "dev", b);
  inNs(nsB, "link", "set", b, "up");
}

/** Starts `jina-ts <args>` inside a namespace and resolves with the child once `ready` matches a line. */
function startIn(ns: string, args: string[], ready: (line: string) => boolean, children: ChildProcess[]): Promise<ChildProcess> {
  const [command, base] = scriptCommand(cli);
  // JINA_PARENT_PID: the executor and gateway exit within a second if this test process dies without its finally.
  const child = spawn("ip", ["netns", "exec", ns, command, ...base, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, JINA_PARENT_PID: String(process.pid) } });
  children.push(child);
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${ns}: not ready within 120 s:\n${output.join("\n")}`)), 120_000);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        output.push(line);
        if (output.length > 50) output.shift();
        if (ready(line)) {
          clearTimeout(timer);
          resolve(child);
        }
      });
    }
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${ns}: exited with ${code}:\n${output.join("\n")}`));
    });
  });
}

/** A 10.200.<k>.0/24 that no link of the root namespace uses yet. */
function freeSubnet(): number {
  const used = ip("-4", "-o", "addr", "show");
  for (let i = 0; i < 250; i++) {
    const k = (process.pid + i) % 250;
    if (!used.includes(`10.200.${k}.`)) return k;
  }
  throw new Error("no free 10.200.x.0/24 for the test links");
}

skipIf(test, skipReason(), "multi-host: the exported compose topology on network namespaces answers 1,000 requests over gRPC and HTTP while one replica's host dies", async () => {
  cleanUp(undefined); // leftovers of runs that were killed before their finally
  const k = freeSubnet();
  const net = (host: number) => `10.200.${k}.${host}`;
  const gwNs = `${tag}g`;
  const replicaNs = [`${tag}e0`, `${tag}e1`];
  const children: ChildProcess[] = [];
  const workspace = mkdtempSync(join(tmpdir(), "jina-ts-multihost-"));
  const onSignal = () => {
    cleanUp(tag);
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    for (const ns of [gwNs, ...replicaNs]) {
      ip("netns", "add", ns);
      ip("-n", ns, "link", "set", "lo", "up");
    }
    link(`${tag}r`, undefined, `${net(1)}/30`, `${tag}g`, gwNs, `${net(2)}/30`);
    replicaNs.forEach((ns, i) => link(`${tag}a${i}`, gwNs, `${net(4 * (i + 1) + 1)}/30`, `${tag}b${i}`, ns, `${net(4 * (i + 1) + 2)}/30`));
    const replicaAddress = (i: number) => net(4 * (i + 1) + 2);

    // What the export wrote: the same commands, namespace addresses in place of the compose service names.
    const flow = new Flow({ protocol: ["grpc", "http"], port: [8080, 8081] }).add({ name: "encoder", uses: "./tests/flow/fixtures/executors.ts#PodTagger", replicas: 2 });
    const services = (dockerComposeSpec(flow.describe()) as { services: Record<string, { command: string[] }> }).services;
    const unescape = (args: string[]) => args.map((arg) => arg.replaceAll("$$", "$").replace(/^\/workspace$/, workspace));
    const gatewayArgs = unescape(services.gateway!.command).map((arg) => arg.replace(/grpc:\/\/encoder-rep-(\d):8081/g, (_, i) => `grpc://${replicaAddress(Number(i))}:8081`));
    assert.ok(gatewayArgs.some((arg) => arg.includes(`grpc://${replicaAddress(1)}:8081`)), "the gateway lists both replicas");
    const setupStarted = Date.now();
    await Promise.all([
      ...["encoder-rep-0", "encoder-rep-1"].map((service, i) =>
        startIn(replicaNs[i]!, unescape(services[service]!.command), (line) => line.startsWith("JINA_EXECUTOR_READY"), children)
      ),
      startIn(gwNs, gatewayArgs, (line) => line.startsWith(gatewayReadyPrefix), children),
    ]);
    const setupSeconds = (Date.now() - setupStarted) / 1000;

    const clients = [new Client({ host: net(2), port: 8080, protocol: "grpc" }), new Client({ host: net(2), port: 8081, protocol: "http" })];
    let done = 0;
    let failed = 0;
    const errors: string[] = [];
    const pods = { before: new Set<string>(), after: new Set<string>() };
    let killedAt: number | undefined;
    const perProtocol = 500;
    const worker = async (client: Client, count: { left: number }) => {
      while (count.left-- > 0) {
        try {
          const docs = await client.post("/", new DocumentArray([{ text: "hi" }]));
          (killedAt === undefined ? pods.before : pods.after).add(String((docs.at(0)!.tags as Record<string, unknown>).pod));
        } catch (error) {
          failed++;
          if (errors.length < 5) errors.push((error as Error).message);
        }
        if (++done === 300) {
          killedAt = done;
          killNamespace(replicaNs[1]!); // the host of encoder/rep-1 dies mid-load
        }
      }
    };
    const started = Date.now();
    try {
      await Promise.all(clients.flatMap((client) => {
        const count = { left: perProtocol };
        return Array.from({ length: 8 }, () => worker(client, count));
      }));
    } finally {
      for (const client of clients) client.close();
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`multi-host: 3 hosts ready in ${setupSeconds.toFixed(1)} s; ${done} requests in ${seconds.toFixed(1)} s, ${failed} failed, replica 1 killed after ${killedAt}; pods before ${[...pods.before].join(", ")}, after ${[...pods.after].join(", ")}`);
    assert.is(done, 2 * perProtocol);
    assert.equal([...pods.before].sort(), ["encoder/rep-0", "encoder/rep-1"], "both replicas answered before the kill");
    assert.is(failed, 0, `no request fails when a replica's host dies: ${errors.join(" | ")}`);
    const status = (await (await fetch(`http://${net(2)}:8081/status`)).json()) as { deployments: Record<string, { shards: Array<Array<{ address: string; down: boolean }>> }> };
    assert.equal(status.deployments.encoder!.shards[0], [
      { address: `grpc://${replicaAddress(0)}:8081`, down: false },
      { address: `grpc://${replicaAddress(1)}:8081`, down: true },
    ], "the gateway's /status reports the dead replica's address as down");
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    for (const child of children) child.kill("SIGKILL");
    cleanUp(tag);
    rmSync(workspace, { recursive: true, force: true });
  }
  assert.equal(ip("netns", "list").split("\n").filter((line) => line.startsWith(tag)), [], "no namespace is left");
});

test.run();
