// The README's Flow YAML example (section "Flow YAML") is a working flow: written next to the modules it names
// (TS executors standing in), with its gateway ports set to 0, it loads, starts, answers /search and round-trips.
// The folder is made inside tests/config/fixtures/ (and removed): on Node, tsx gives a module outside the checkout
// that imports the checkout's TypeScript a second copy of jina-ts (its own @requests registry), which a user's
// project, importing the compiled package, never meets.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { Flow } from "../../mod.ts";

const root = new URL("../../", import.meta.url).pathname;
const tmp = mkdtempSync(new URL("./fixtures/.readme-", import.meta.url).pathname);
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test("the README's Flow YAML example loads, starts, answers /search and round-trips through save", async () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Flow YAML"));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(yaml?.includes("jtype: Flow"), "the section has a YAML example");
  assert.match(yaml!, /port: \[54321, 54322\]/);
  writeFileSync(join(tmp, "flow.yml"), yaml!.replace("port: [54321, 54322]", "port: [0, 0]"));
  writeFileSync(join(tmp, "executors.ts"), `export { Encoder, Merger, Tagger } from "../executors.ts";\n`);
  writeFileSync(join(tmp, "indexer.ts"), `export { Indexer } from "../executors.ts";\n`);
  mkdirSync(join(tmp, "executor1"));
  writeFileSync(join(tmp, "executor1/config.yml"), "jtype: Tagger\npy_modules: [../executors.ts]\nwith: {label: before}\n");
  const options = { env: (name: string) => (name === "DIM" ? "3" : undefined) };
  const flow = await Flow.load(join(tmp, "flow.yml"), options);
  assert.equal(flow.build(), { "start-gateway": ["encoder"], encoder: ["indexer", "english"], indexer: ["join"], english: ["join"], join: ["end-gateway"] });
  await flow.start();
  try {
    const docs = await flow.search([{ id: "q", text: "sea", tags: { lang: "en" } }]);
    const doc = docs.at(0)!;
    assert.equal(doc.embedding!.shape, [3], "encoder: uses_with dim from ${{ ENV.DIM }}");
    assert.ok(["before", "tagger"].some((label) => (doc.tags.seen as string[]).includes(label)), JSON.stringify(doc.tags));
  } finally {
    await flow.close();
  }
  await flow.save(join(tmp, "saved.yml"));
  assert.equal((await Flow.load(join(tmp, "saved.yml"), options)).describe(), flow.describe());
});

test.run();
