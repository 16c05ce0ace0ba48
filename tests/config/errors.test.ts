// Bad Flow / Executor YAML: each is one clear error naming file:line:col and the key path, and nothing hangs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Executor, Flow, JinaError } from "../../mod.ts";
import { configJsonSchema, loadFlowConfig, nearestKey } from "../../config/mod.ts";
import { run as exportCommand } from "../../cli/export-command.ts";
import { readFileSync } from "node:fs";

const fixtures = new URL("./fixtures/", import.meta.url).pathname;
let tmp: string;
test.before(() => {
  tmp = mkdtempSync(join(tmpdir(), "jina-config-errors-"));
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));

async function failure(yaml: string, options: Parameters<typeof loadFlowConfig>[1] = {}): Promise<string> {
  const file = join(tmp, `flow-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, yaml);
  try {
    await Flow.load(file, options);
  } catch (error) {
    assert.instance(error, JinaError);
    return (error as JinaError).rawMessage.replace(file, "FILE");
  }
  throw new Error(`no error for:\n${yaml}`);
}

test("malformed YAML: the parser's line and column", async () => {
  const message = await failure("jtype: Flow\nexecutors:\n  - name: a\n    uses_with: {a: 1\n");
  assert.match(message, /^FILE:\d+:\d+: malformed YAML: /);
});

test("a wrong type names the key path and the value", async () => {
  const message = await failure("jtype: Flow\nexecutors:\n  - name: a\n    replicas: two\n");
  assert.is(message, 'FILE:4:15: executors[0].replicas must be a number, got "two"');
});

test("an unknown key points at the key and suggests the nearest one", async () => {
  assert.is(
    await failure("jtype: Flow\nexecutors:\n  - name: a\n    replica: 2\n"),
    'FILE:4:5: executors[0]: unknown key "replica" in a deployment (did you mean "replicas"?)',
  );
  assert.match(await failure("jtype: Flow\nwith:\n  protocl: http\n"), /FILE:3:3: with: unknown key "protocl" .*did you mean "protocol"/);
  assert.match(await failure("jtype: Flow\nexecutor: []\n"), /did you mean "executors"/);
  assert.is(nearestKey("colour", ["replicas", "shards"]), undefined);
});

test("both spellings of one option are refused", async () => {
  assert.match(await failure("jtype: Flow\nexecutors:\n  - uses_with: {a: 1}\n    usesWith: {a: 2}\n"), /"uses_with" and "usesWith" are the same option/);
});

test("needs that names no deployment, a cycle, a later deployment, a duplicate name", async () => {
  assert.match(await failure("jtype: Flow\nexecutors:\n  - name: a\n  - name: b\n    needs: aa\n"), /^FILE:5:12: executors\[1\]\.needs: "aa" is not a deployment of this flow \(did you mean "a"\?\)/);
  assert.match(await failure("jtype: Flow\nexecutors:\n  - name: a\n    needs: b\n  - name: b\n    needs: a\n"), /^FILE:4:12: executors\[0\]\.needs: the needs form a cycle: a → b → a/);
  assert.match(await failure("jtype: Flow\nexecutors:\n  - name: a\n    needs: b\n  - name: b\n"), /"b" comes later in executors/);
  assert.match(await failure("jtype: Flow\nexecutors:\n  - name: a\n  - name: a\n"), /^FILE:4:11: executors\[1\]\.name: a deployment named "a" is already in the flow/);
});

test("what the Flow itself refuses is reported at the deployment's or the section's line too", async () => {
  assert.match(await failure("jtype: Flow\nexecutors:\n  - name: gateway\n"), /^FILE:3:5: executors\[0\]: Deployment name "gateway" is not allowed/);
  assert.match(await failure("jtype: Flow\nexecutors:\n  - name: a\n  - name: remote\n    external: true\n"), /^FILE:4:5: executors\[1\]: Deployment "remote" is external: give host and port/);
  assert.match(await failure("jtype: Flow\ndeployments:\n  - name: en\n    when: {tags__lang: {$like: en}}\n"), /^FILE:3:5: deployments\[0\]: unknown query operator "\$like"/);
  assert.match(await failure("jtype: Flow\nwith:\n  protocol: http\n  ssl_certfile: c.pem\n"), /^FILE:2:1: with: give both ssl_certfile and ssl_keyfile/);
  assert.match(await failure("jtype: Flow\ngateway:\n  tls: {cert: c.pem}\n"), /^FILE:3:8: gateway\.tls\.key is required/);
});

test("an unset variable is an error naming it and its line", async () => {
  assert.is(await failure("jtype: Flow\nwith:\n  port: ${{ ENV.JINA_TS_SURELY_UNSET }}\n"), "FILE:3:9: with.port: ${{ ENV.JINA_TS_SURELY_UNSET }} is not set (environment variable JINA_TS_SURELY_UNSET)");
  assert.match(await failure("jtype: Flow\nwith:\n  name: x-${{ CONTEXT.missing }}\n"), /^FILE:3:11: with\.name: \$\{\{ CONTEXT\.missing \}\} is not set \(context variable missing/);
  assert.match(await failure("jtype: Flow\nwith:\n  name: $JINA_TS_SURELY_UNSET\n"), /environment variable JINA_TS_SURELY_UNSET/);
  assert.match(await failure("jtype: Flow\nwith:\n  name: ${{root.nothing.here}}\n"), /no value at root\.nothing\.here/);
});

test("a uses file that does not exist, and a class the module does not export", async () => {
  assert.match(await failure("jtype: Flow\nexecutors:\n  - uses: ./nope.ts#X\n"), /^FILE:3:11: executors\[0\]\.uses: uses "\.\/nope\.ts#X": no such file /);
  assert.match(await failure("jtype: Flow\nexecutors:\n  - uses: ./nope.yml\n"), /no such Executor YAML/);
  const module = join(fixtures, "executors.ts");
  assert.match(await failure(`jtype: Flow\nexecutors:\n  - uses: ${module}#Nope\n`), /does not export "Nope"; it exports .*Encoder/);
  assert.match(await failure(`jtype: Flow\nmodules: [${module}]\nexecutors:\n  - uses: Nope\n`), /^FILE:4:11: executors\[0\]\.uses: class "Nope" is not exported by the modules/);
  assert.match(await failure("jtype: Flow\nexecutors:\n  - uses: Nope\n"), /name the module that exports it in `modules/);
  assert.match(await failure("jtype: Flow\nexecutors:\n  - uses: docker://jinahub/x\n"), /cannot run in jina-ts \(it has no Hub client, downloads nothing over the network/);
  assert.match(await failure("jtype: Flow\nexecutors:\n  - uses: jinahub://SimpleIndexer\n"), /^FILE:3:11: executors\[0\]\.uses: uses "jinahub:\/\/SimpleIndexer": Jina Hub/);
});

test("a YAML bomb is refused at once", async () => {
  const started = Date.now();
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (const [index, name] of ["b", "c", "d", "e", "f", "g", "h"].entries()) {
    const previous = index === 0 ? "a" : ["b", "c", "d", "e", "f", "g"][index - 1];
    bomb.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]`);
  }
  assert.match(await failure(`${bomb.join("\n")}\n`), /aliases \(\*name\) expand more than 100 times/);
  assert.ok(Date.now() - started < 5000);
});

test("a 10 MB file is refused before it is parsed", async () => {
  const started = Date.now();
  const big = `jtype: Flow\nwith:\n  description: "${"x".repeat(10 * 1024 * 1024)}"\n`;
  assert.match(await failure(big), /the YAML is 10485\d+ bytes, more than the limit of 1048576 bytes/);
  assert.ok(Date.now() - started < 5000);
});

test("an Executor YAML with a bad key, and a missing file", async () => {
  const file = join(tmp, "exec.yml");
  writeFileSync(file, "jtype: Tagger\nwith_: {}\n");
  await Executor.load(file).then(
    () => assert.unreachable(),
    (error: JinaError) => assert.match(error.rawMessage, /:2:1: top level: unknown key "with_" in an Executor YAML \(did you mean "with"\?\)/),
  );
  await Executor.load(join(tmp, "missing.yml")).then(
    () => assert.unreachable(),
    (error: JinaError) => assert.match(error.rawMessage, /missing\.yml: no such file/),
  );
});

test("the JSON Schema comes from the same zod schemas", () => {
  const flow = configJsonSchema("flow") as { title: string; properties: Record<string, unknown> };
  assert.is(flow.title, "jina-ts Flow YAML");
  assert.ok("executors" in flow.properties && "py_modules" in flow.properties);
  const executor = configJsonSchema("executor") as { required: string[] };
  assert.equal(executor.required, ["jtype"]);
});

test("TLS files (tls: or Jina's ssl_certfile / ssl_keyfile) resolve against the YAML's directory", async () => {
  for (const yaml of ["jtype: Flow\ngateway:\n  tls: {cert: c.pem, key: k.pem}\n", "jtype: Flow\nwith:\n  ssl_certfile: c.pem\n  ssl_keyfile: k.pem\n"]) {
    const file = join(tmp, "tls.yml");
    writeFileSync(file, yaml);
    assert.equal((await loadFlowConfig(file)).options.tls, { cert: join(tmp, "c.pem"), key: join(tmp, "k.pem") });
  }
  assert.match(await failure("jtype: Flow\nwith:\n  ssl_certfile: c.pem\n"), /^FILE:2:1: with: give both ssl_certfile and ssl_keyfile/);
});

test("jina-ts export schema writes it", async () => {
  const file = join(tmp, "flow.schema.json");
  assert.is(await exportCommand(["schema", file]), 0);
  assert.equal(JSON.parse(readFileSync(file, "utf8")), configJsonSchema("flow"));
  assert.is(await exportCommand(["schema", file, "--executor"]), 0);
  assert.is(JSON.parse(readFileSync(file, "utf8")).title, "jina-ts Executor YAML");
});

test.run();
