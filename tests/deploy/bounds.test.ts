// A flow's request bounds (maxDocs, maxRequestBytes, requestTimeout) reach the Kubernetes and docker-compose
// exports: the gateway's command carries all three, every executor's carries maxDocs (as the flow's own replica
// processes get it), Flow YAML accepts them, and `jina-ts gateway` enforces the flags it is given.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { parse, parseAllDocuments } from "yaml";
import { Flow } from "../../mod.ts";
import { dockerComposeSpec, kubernetesManifests, type KubernetesObject } from "../../deploy/mod.ts";
import { executorOptionsOf, type ExecutorServer, serveExecutor } from "../../executor/mod.ts";
import { parseExecutorArgs } from "../../executor/main-args.ts";
import { gatewayFlagsOf, gatewayOptionsOf, gatewayReadyPrefix, parseGatewayArgs } from "../../gateway/mod.ts";
import { type ChildHandle, spawnScript } from "../../runtime/mod.ts";
import { PodTagger } from "../flow/fixtures/executors.ts";

const bounds = { maxDocs: 500, maxRequestBytes: 2_000_000, requestTimeout: 30_000 };

/** A flow with every kind of unit: replicas, shards with usesBefore / usesAfter, an external deployment. */
function boundedFlow(options: Record<string, unknown> = bounds): Flow {
  return new Flow({ name: "bounded", ...options })
    .add({ name: "encoder", uses: "./encoder.ts#Encoder", replicas: 2 })
    .add({ name: "indexer", uses: "./indexer.ts#Indexer", shards: 2, usesBefore: "./before.ts#Before", usesAfter: "./after.ts#After" })
    .add({ name: "remote", external: true, host: "10.0.0.5", port: 8081 });
}

function containerArgs(object: KubernetesObject): string[] {
  return (object.spec as { template: { spec: { containers: Array<{ args: string[] }> } } }).template.spec.containers[0]!.args;
}

function checkGateway(command: string[], where: string): void {
  const options = gatewayOptionsOf(parseGatewayArgs(command.slice(1)));
  assert.equal([options.maxDocs, options.maxRequestBytes, options.requestTimeout], [500, 2_000_000, 30_000], `${where}: the gateway's bounds`);
}

test("docker-compose: the gateway gets --max-docs, --max-request-bytes and --request-timeout, every executor service --max-docs", () => {
  const spec = dockerComposeSpec(boundedFlow().describe()) as { services: Record<string, { command: string[] }> };
  const { gateway, ...executors } = spec.services;
  checkGateway(gateway!.command, "compose");
  assert.equal(Object.keys(executors).length, 6, "2 encoder replicas, 2 shards, usesBefore, usesAfter");
  for (const [name, service] of Object.entries(executors)) assert.is(parseExecutorArgs(service.command.slice(1)).maxDocs, 500, `compose service ${name}`);
});

test("Kubernetes: the same flags in the gateway's and every executor's container", () => {
  const objects = kubernetesManifests(boundedFlow().describe()).flatMap((file) => file.objects);
  const workloads = objects.filter((object) => object.kind === "Deployment" || object.kind === "StatefulSet");
  const name = (object: KubernetesObject) => (object.metadata as { name: string }).name;
  checkGateway(containerArgs(workloads.find((object) => name(object) === "gateway")!), "k8s");
  const executors = workloads.filter((object) => name(object) !== "gateway");
  assert.equal(executors.map(name), ["encoder", "indexer-0", "indexer-1", "indexer-uses-before", "indexer-uses-after"]);
  for (const object of executors) assert.is(parseExecutorArgs(containerArgs(object).slice(1)).maxDocs, 500, `k8s ${name(object)}`);
});

test("without bounds on the flow, no command carries them (the processes keep their defaults)", () => {
  const spec = dockerComposeSpec(boundedFlow({}).describe()) as { services: Record<string, { command: string[] }> };
  for (const service of Object.values(spec.services)) assert.not.match(service.command.join(" "), /--max-docs|--max-request-bytes|--request-timeout/);
});

test("Flow YAML: max_docs and request_timeout (with: or gateway:) reach the exports and survive save → load", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jina-bounds-"));
  try {
    const yaml = join(dir, "flow.yml");
    writeFileSync(join(dir, "enc.ts"), "export class Enc {}\n");
    writeFileSync(
      yaml,
      "jtype: Flow\nwith:\n  max_docs: 500\n  max_request_bytes: 2000000\ngateway:\n  request_timeout: 30000\nexecutors:\n  - name: enc\n    uses: ./enc.ts#Enc\n",
    );
    const flow = await Flow.load(yaml);
    const options = flow.describe().options;
    assert.equal([options.maxDocs, options.maxRequestBytes, options.requestTimeout], [500, 2_000_000, 30_000]);
    const compose = parse(readFileSync(await flow.toDockerComposeYaml(join(dir, "compose.yml")), "utf8")) as { services: Record<string, { command: string[] }> };
    checkGateway(compose.services.gateway!.command, "compose from YAML");
    assert.is(parseExecutorArgs(compose.services.enc!.command.slice(1)).maxDocs, 500);
    const files = await flow.toKubernetesYaml(join(dir, "k8s"));
    const gateway = parseAllDocuments(readFileSync(files.find((path) => /gateway\.yml$/.test(path))!, "utf8")).map((doc) => doc.toJS() as KubernetesObject);
    checkGateway(containerArgs(gateway.find((object) => object.kind === "Deployment")!), "k8s from YAML");
    const saved = join(dir, "saved.yml");
    await flow.save(saved);
    assert.match(readFileSync(saved, "utf8"), /gateway:\n(?:  .*\n)*  max_docs: 500\n/);
    const again = (await Flow.load(saved)).describe().options;
    assert.equal([again.maxDocs, again.maxRequestBytes, again.requestTimeout], [500, 2_000_000, 30_000]);
    const bad = await Flow.load("jtype: Flow\nwith:\n  max_docs: -3\n").catch((error: Error) => error);
    assert.match(String(bad), /with\.max_docs/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("jina-ts gateway --max-docs / --max-request-bytes: a process started with the exported flags refuses what they bound", async () => {
  const executor = new PodTagger(executorOptionsOf({ shardId: 0, shards: 1, replicas: 1, usesWith: {}, usesMetas: {} }) as never);
  let server: ExecutorServer | undefined;
  let child: ChildHandle | undefined;
  try {
    server = await serveExecutor(executor, { port: 0, host: "127.0.0.1" });
    const args = gatewayFlagsOf({
      graph: { "start-gateway": ["tagger"], tagger: ["end-gateway"] },
      addresses: { tagger: [`grpc://127.0.0.1:${server.port}`] },
      conditions: {},
      noReduce: [],
      metadata: {},
      deploymentOptions: {},
      protocols: ["http"],
      ports: [0],
      host: "127.0.0.1",
      maxDocs: 2,
      maxRequestBytes: 4096,
      requestTimeout: 30_000,
    });
    assert.equal(parseGatewayArgs(args).maxDocs, 2, "the flags read back");
    assert.throws(() => parseGatewayArgs([...args, "--max-docs", "-1"]), /--max-docs must be an integer ≥ 0/);
    assert.throws(() => parseGatewayArgs([...args, "--max-request-bytes", "0"]), /--max-request-bytes must be an integer ≥ 1/);
    child = spawnScript(new URL("../../cli/main.ts", import.meta.url), { args: ["gateway", ...args] });
    const { ports } = await child.waitForLine((line) => (line.startsWith(gatewayReadyPrefix) ? (JSON.parse(line.slice(gatewayReadyPrefix.length)) as { ports: number[] }) : undefined));
    const post = (body: unknown) => fetch(`http://127.0.0.1:${ports[0]}/post`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const docs = (n: number, text = "x") => ({ data: Array.from({ length: n }, () => ({ text })), execEndpoint: "/index" });
    const two = await post(docs(2));
    assert.is(two.status, 200, await two.clone().text());
    const three = await post(docs(3));
    assert.is(three.status, 413, "3 documents > --max-docs 2");
    assert.match(await three.text(), /maxDocs=2/);
    const big = await post(docs(1, "y".repeat(5000)));
    assert.is(big.status, 413, "a 5 kB body > --max-request-bytes 4096");
    await big.body?.cancel();
  } finally {
    await child?.stop(5000);
    await server?.close();
  }
});

test.run();
