import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { exporters, run, usage } from "../../cli/export-command.ts";
import { dockerfileText } from "../../deploy/dockerfile.ts";
import { spawnScript } from "../../runtime/mod.ts";
import { composeSchemaErrors } from "./_validate.ts";

const cli = new URL("../../cli/main.ts", import.meta.url);
const flowFile = "./tests/deploy/fixtures/flow.ts";

async function quietly(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    assert.is(await run(args), 0);
  } finally {
    console.log = log;
  }
  return lines;
}

test("jina-ts export kubernetes|docker-compose|flowchart|dockerfile write their files from a flow module", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jina-ts-export-"));
  try {
    const k8s = await quietly(["kubernetes", flowFile, join(dir, "k8s"), "--k8s-namespace", "prod", "--image", "search:1"]);
    assert.match(k8s.at(-1)!, /kubectl apply -R -f/);
    assert.equal(readdirSync(join(dir, "k8s")).sort(), ["encoder", "gateway", "indexer", "namespace.yml"]);
    assert.match(readFileSync(join(dir, "k8s/indexer/indexer-1.yml"), "utf8"), /namespace: prod[\s\S]*image: search:1/);
    await quietly(["docker-compose", flowFile, join(dir, "compose.yml"), "--network-name", "net", "--no-gateway"]);
    const compose = parse(readFileSync(join(dir, "compose.yml"), "utf8")) as { services: object; networks: object };
    assert.equal(Object.keys(compose.services), ["encoder-rep-0", "encoder-rep-1", "indexer-0", "indexer-1", "indexer-uses-after"]);
    assert.equal(Object.keys(compose.networks), ["net"]);
    assert.equal(composeSchemaErrors(compose), []);
    await quietly(["flowchart", flowFile, join(dir, "flow.md"), "--vertical-layout"]);
    assert.match(readFileSync(join(dir, "flow.md"), "utf8"), /^```mermaid\n[\s\S]*flowchart TD[\s\S]*subgraph d1_s1 \["indexer\/shard-1"\]/);
    await quietly(["dockerfile", join(dir, "image")]);
    assert.is(readFileSync(join(dir, "image/Dockerfile"), "utf8"), dockerfileText());
    assert.ok(existsSync(join(dir, "image/.dockerignore")));
    for (const key of Object.keys(exporters)) assert.ok(usage.includes(`jina-ts export ${key} `), `--help lists ${key}`);
    // A flow YAML (Flow.load): paths in it are written relative to the working directory, as the image's /app.
    await quietly(["kubernetes", "tests/config/fixtures/flows/07-shards.yml", join(dir, "yaml")]);
    assert.match(readFileSync(join(dir, "yaml/indexer/indexer-1.yml"), "utf8"), /- --uses\n\s+- \.\/tests\/config\/fixtures\/executors\.ts#Indexer\n/);
    assert.ok(existsSync(join(dir, "yaml/indexer/indexer-uses-before.yml")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("jina-ts export: an unknown export, a missing output or a flow that cannot load exits 1 with one line", async () => {
  await run(["helm", flowFile]).then(() => assert.unreachable(), (error: Error) => assert.match(error.message, /unknown export "helm": one of kubernetes, docker-compose, flowchart, dockerfile/));
  await run(["kubernetes", flowFile]).then(() => assert.unreachable(), (error: Error) => assert.match(error.message, /give where to write the Kubernetes folder/));
  const child = spawnScript(cli, { args: ["export", "kubernetes", "./tests/deploy/fixtures/missing.ts", "/tmp/never"] });
  assert.is(await child.exited, 1);
  assert.match(child.lastOutput(), /Cannot load the flow module/);
  assert.not.ok(existsSync("/tmp/never"));
});

/** The instructions of a Dockerfile, continuation lines joined, comments and blank lines dropped. */
function instructions(text: string): Array<{ op: string; rest: string }> {
  return text.replace(/\\\n/g, " ").split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#"))
    .map((line) => ({ op: line.split(/\s+/)[0]!.toUpperCase(), rest: line.slice(line.indexOf(" ") + 1) }));
}

for (const [label, text] of [
  ["the exported Dockerfile", dockerfileText()],
  ["a Debian-based Dockerfile", dockerfileText({ baseImage: "node:20-slim" })],
  ["the repository's Dockerfile", readFileSync(new URL("../../Dockerfile", import.meta.url), "utf8")],
] as const) {
  test(`${label} passes the structural lint (no container engine here): small pinned base, tini as PID 1, non-root, healthcheck with jina-ts ping, workspace volume`, () => {
    const list = instructions(text);
    const known = new Set(["FROM", "RUN", "WORKDIR", "COPY", "ENV", "USER", "VOLUME", "EXPOSE", "STOPSIGNAL", "HEALTHCHECK", "ENTRYPOINT", "CMD", "ARG", "LABEL"]);
    for (const { op } of list) assert.ok(known.has(op), `unknown instruction ${op}`);
    assert.is(list[0]!.op, "FROM", "FROM comes first");
    assert.match(list[0]!.rest, /^node:\d+(-[a-z]+)?$/, "a node base pinned to a major version, not latest");
    const index = (op: string) => list.findIndex((entry) => entry.op === op);
    const user = list.filter((entry) => entry.op === "USER").at(-1);
    assert.ok(user && user.rest !== "root" && user.rest !== "0", "runs as a non-root user");
    assert.ok(index("USER") < index("ENTRYPOINT"), "USER before ENTRYPOINT");
    assert.ok(list.every((entry) => entry.op !== "ADD"), "COPY, never ADD");
    const entrypoint = JSON.parse(list.find((entry) => entry.op === "ENTRYPOINT")!.rest) as string[];
    assert.match(entrypoint[0]!, /\/tini$/, "tini is PID 1 (signals forwarded, zombies reaped)");
    assert.equal(entrypoint.slice(1), ["--", "jina-ts"]);
    assert.match(list.find((entry) => entry.op === "RUN" && /tini/.test(entry.rest))!.rest, /tini/, "tini is installed");
    assert.match(list.find((entry) => entry.op === "HEALTHCHECK")!.rest, /CMD jina-ts ping "\$JINA_TS_ROLE" "127\.0\.0\.1:\$JINA_TS_PORT"/);
    assert.equal(JSON.parse(list.find((entry) => entry.op === "VOLUME")!.rest), ["/workspace"]);
    assert.is(list.find((entry) => entry.op === "STOPSIGNAL")!.rest, "SIGTERM");
    assert.ok(index("COPY") < list.findIndex((entry) => entry.op === "RUN" && /npm (ci|install)/.test(entry.rest)), "package files are copied before install (layer cache)");
  });
}

test("the repository's Dockerfile is the jina-ts image's (written by dockerfileText({ kind: 'jina-ts' }))", () => {
  assert.fixture(readFileSync(new URL("../../Dockerfile", import.meta.url), "utf8"), dockerfileText({ kind: "jina-ts" }));
});

test.run();
