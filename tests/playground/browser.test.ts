/**
 * The playground in a real browser: playwright-core drives Debian's chromium (`.ci/run` installs it with apt where
 * it runs as root) against the WordNet flow on a small subset. Skipped by name when no chromium is installed.
 * `JINA_SCREENSHOT=path` keeps the screenshot; otherwise it goes to a temp folder.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { getEnv } from "../../runtime/mod.ts";
import { prepareWordnet } from "../../examples/wordnet/serve.ts";
import { skipIf } from "../_setup.ts";
import { expected, subset } from "../examples/wordnet-subset.ts";

const chromium = [getEnv("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => path && existsSync(path));
const reason = chromium ? undefined : "no chromium installed (apt-get install chromium, or set CHROMIUM_PATH)";

skipIf(test, reason, "the playground searches WordNet, draws the flow, shows timings, and logs no console error", async () => {
  const { chromium: launcher } = await import("playwright-core");
  const workspace = mkdtempSync(join(tmpdir(), "wordnet-browser-"));
  const flow = await prepareWordnet({ ...subset, workspace, ports: [0, 0, 0], progress: false });
  const browser = await launcher.launch({ executablePath: chromium!, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`http://127.0.0.1:${flow.ports[1]}/`);
    await page.waitForSelector("body[data-ready=true]");
    assert.is(await page.textContent("#title"), "WordNet semantic search");
    assert.ok((await page.$$eval("#endpoint option", (options) => options.map((option) => option.textContent))).includes("/search"));
    assert.ok(await page.$("#graph svg"), "the flow graph is drawn");
    assert.match((await page.textContent("#graph")) ?? "", /indexer/);
    assert.match((await page.textContent("#index-size")) ?? "", /^[\d,]+ documents$/);

    // Keyboard only: the query box has the focus; Enter submits.
    await page.keyboard.type("feline");
    await page.keyboard.press("Enter");
    await page.waitForSelector(`#results li[data-id="${expected.cat}"]`);
    const first = await page.textContent("#results li .score");
    assert.match(first ?? "", /cosine distance \d\.\d{4}/);
    assert.match((await page.textContent("#timings tbody")) ?? "", /encoder[\s\S]*indexer[\s\S]*ranker/);

    await page.fill("#query", "a large body of water");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("#message")?.textContent?.includes("results in"));
    await page.waitForFunction(() => /ms|idle/.test(document.querySelector("#latency")?.textContent ?? ""), undefined, { timeout: 15_000 });
    assert.match((await page.textContent("#rate")) ?? "", /^\d+\.\d$/, "live request rate from the gateway's metrics");
    const screenshot = getEnv("JINA_SCREENSHOT") ?? join(workspace, "playground.png");
    await page.screenshot({ path: screenshot, fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `readable at phone width (${overflow}px of horizontal scroll)`);
    assert.equal(errors, [], "no console errors");
  } finally {
    await browser.close();
    await flow.close();
    rmSync(workspace, { recursive: true, force: true });
  }
});

test.run();
