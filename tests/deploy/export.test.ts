import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseAllDocuments, parse } from "yaml";
import { Flow } from "../../mod.ts";
import { deploymentToKubernetesYaml, dockerComposeSpec, kubernetesManifests, type KubernetesObject } from "../../deploy/mod.ts";
import { parseExecutorArgs } from "../../executor/main-args.ts";
import { parseGatewayArgs } from "../../gateway/mod.ts";
import { skipIf } from "../_setup.ts";
import { composeSchemaErrors, dockerComposeConfig, dockerComposeMissing, validateKubernetesObject } from "./_validate.ts";

const golden = new URL("./golden/", import.meta.url).pathname;
const update = process.env.UPDATE_GOLDEN === "1";

/** A flow with shards, replicas, usesBefore/usesAfter, monitoring, env, volumes, gpus and an external executor. */
function goldenFlow(): Flow {
  return new Flow({ name: "search", protocol: ["grpc", "http"], port: [54321, 54322], monitoring: true, env: { FLOW_LEVEL: "1" }, timeoutSend: 20_000 })
    .add({ name: "encoder", uses: "./encoder.ts#Encoder", replicas: 2, env: { MODEL: "tiny" }, gpus: 1, usesWith: { dim: 64 } })
    .add({
      name: "indexer",
      uses: "./indexer.ts#Indexer",
      shards: 2,
      usesBefore: "./before.ts#Before",
      usesAfter: "./after.ts#After",
      polling: { "/search": "ALL", "*": "ANY" },
      volumes: ["indexer-data:/workspace/data"],
      timeoutSend: 5000,
    })
    .add({ name: "remote", external: true, host: "10.0.0.5", port: [8081, 8082], needs: "encoder", when: { tags__lang: { $eq: "en" } } })
    .needs(["indexer", "remote"], { name: "joiner", noReduce: true });
}

function checkGolden(name: string, text: string): void {
  const path = join(golden, name);
  if (update || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  assert.fixture(text, readFileSync(path, "utf8"), `golden file ${name} (UPDATE_GOLDEN=1 rewrites it)`);
}

function containerArgs(object: KubernetesObject): string[] {
  const spec = object.spec as { template: { spec: { containers: Array<{ args: string[] }> } } };
  return spec.template.spec.containers[0]!.args;
}

test("Kubernetes export: the golden flow's files, every object valid against the Kubernetes OpenAPI schemas", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jina-ts-k8s-"));
  try {
    const written = await goldenFlow().toKubernetesYaml(dir, { image: "jina-ts:test" });
    const relative = written.map((path) => path.slice(dir.length + 1));
    assert.equal(relative, [
      "namespace.yml",
      "encoder/encoder.yml",
      "indexer/indexer-0.yml",
      "indexer/indexer-1.yml",
      "indexer/indexer-uses-before.yml",
      "indexer/indexer-uses-after.yml",
      "joiner/joiner.yml",
      "gateway/gateway.yml",
    ]);
    for (const file of relative) {
      const text = readFileSync(join(dir, file), "utf8");
      checkGolden(`k8s/${file}`, text);
      for (const document of parseAllDocuments(text)) validateKubernetesObject(document.toJS() as KubernetesObject);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Kubernetes export: headless Services, StatefulSet for volumes, GPUs, monitoring, and commands that our own parsers read back", () => {
  const files = kubernetesManifests(goldenFlow().describe(), { image: "jina-ts:test" });
  const objects = files.flatMap((file) => file.objects);
  const named = (kind: string, name: string) => objects.find((object) => object.kind === kind && (object.metadata as { name: string }).name === name)!;
  assert.is((named("Service", "encoder").spec as { clusterIP: string }).clusterIP, "None", "executor Services are headless");
  assert.ok(named("StatefulSet", "indexer-0"), "a deployment with volumes is a StatefulSet");
  assert.ok(named("Deployment", "encoder"), "one without is a Deployment");
  assert.is((named("Deployment", "encoder").spec as { replicas: number }).replicas, 2);
  const encoder = (named("Deployment", "encoder").spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0]!;
  assert.equal(encoder.resources, { limits: { "nvidia.com/gpu": 1 } });
  assert.equal((encoder.startupProbe as { grpc: unknown }).grpc, { port: 8080 }, "native gRPC probes against our health service");
  const executor = parseExecutorArgs(containerArgs(named("Deployment", "encoder")).slice(1));
  assert.equal([executor.uses, executor.host, executor.port, executor.monitoring, executor.portMonitoring, executor.usesWith], ["./encoder.ts#Encoder", "0.0.0.0", 8080, true, 9090, { dim: 64 }]);
  const shard = parseExecutorArgs(containerArgs(named("StatefulSet", "indexer-1")).slice(1));
  assert.equal([shard.shardId, shard.shards, shard.workspace], [1, 2, "/workspace"]);
  const gateway = parseGatewayArgs(containerArgs(named("Deployment", "gateway")).slice(1));
  assert.equal(gateway.addresses, {
    encoder: ["grpc://encoder.search.svc:8080"],
    indexer: [["grpc://indexer-0.search.svc:8080"], ["grpc://indexer-1.search.svc:8080"]],
    remote: ["grpc://10.0.0.5:8081", "grpc://10.0.0.5:8082"],
    joiner: ["grpc://joiner.search.svc:8080"],
  });
  assert.equal(gateway.deploymentOptions.indexer, {
    polling: { "/search": "ALL", "*": "ANY" },
    usesBefore: ["grpc://indexer-uses-before.search.svc:8080"],
    usesAfter: ["grpc://indexer-uses-after.search.svc:8080"],
    timeoutSend: 5000,
  });
  assert.equal([gateway.protocols, gateway.ports, gateway.host, gateway.noReduce, gateway.conditions], [["grpc", "http"], [54321, 54322], "0.0.0.0", ["joiner"], { remote: { tags__lang: { $eq: "en" } } }]);
  assert.ok(named("Service", "gateway-1-http"), "one Service per extra protocol");
  assert.throws(() => kubernetesManifests(new Flow().add({ name: "inproc", uses: class X extends Flow {} as never }).describe()), /a container needs a module: give uses: "\.\/file\.ts#X"/);
});

test("docker-compose export: the golden file, valid against the compose-spec schema; a service per replica listed by the gateway", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jina-ts-compose-"));
  try {
    const path = await goldenFlow().toDockerComposeYaml(join(dir, "docker-compose.yml"), { image: "jina-ts:test", networkName: "search-net" });
    const text = readFileSync(path, "utf8");
    checkGolden("docker-compose.yml", text);
    const spec = parse(text) as { services: Record<string, { command: string[]; ports?: string[] }> };
    assert.equal(composeSchemaErrors(spec), []);
    assert.equal(Object.keys(spec.services), ["encoder-rep-0", "encoder-rep-1", "indexer-0", "indexer-1", "indexer-uses-before", "indexer-uses-after", "joiner", "gateway"]);
    const gateway = parseGatewayArgs(spec.services.gateway!.command.slice(1));
    assert.equal(gateway.addresses.encoder, ["grpc://encoder-rep-0:8081", "grpc://encoder-rep-1:8081"], "every replica service");
    assert.equal(gateway.addresses.indexer, [["grpc://indexer-0:8081"], ["grpc://indexer-1:8081"]]);
    assert.equal(spec.services.gateway!.ports, ["54321:54321", "54322:54322", "9090:9090"]);
    assert.is(parseExecutorArgs(spec.services["encoder-rep-1"]!.command.slice(1)).podName, "encoder/rep-1");
    const withoutGateway = dockerComposeSpec(goldenFlow().describe(), { includeGateway: false }) as { services: object };
    assert.not.ok("gateway" in withoutGateway.services);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

skipIf(test, dockerComposeMissing(), "docker-compose config -q accepts the exported file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jina-ts-compose-"));
  try {
    dockerComposeConfig(await goldenFlow().toDockerComposeYaml(join(dir, "docker-compose.yml"), { image: "jina-ts:test" }));
    dockerComposeConfig(await new Flow().add({ name: "one", uses: "./one.ts#One" }).toDockerComposeYaml(join(dir, "one.yml")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deploymentToKubernetesYaml writes one executor deployment (Jina's Deployment.to_kubernetes_yaml), the gateway only when asked", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jina-ts-k8s-one-"));
  try {
    const written = await deploymentToKubernetesYaml({ name: "encoder", uses: "./encoder.ts#Encoder", replicas: 3 }, dir, { namespace: "search" });
    assert.equal(written.map((path) => path.slice(dir.length + 1)), ["namespace.yml", "encoder/encoder.yml"]);
    for (const document of parseAllDocuments(readFileSync(written[1]!, "utf8"))) validateKubernetesObject(document.toJS() as KubernetesObject);
    const withGateway = await deploymentToKubernetesYaml({ name: "encoder", uses: "./encoder.ts#Encoder" }, dir, { includeGateway: true });
    assert.ok(withGateway.some((path) => path.endsWith("gateway/gateway.yml")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("golden files are all checked (none left over)", () => {
  const listed = (folder: string): string[] => readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? listed(join(folder, entry.name)).map((name) => `${entry.name}/${name}`) : [entry.name]));
  assert.is(listed(golden).length, 9);
});

test.run();
