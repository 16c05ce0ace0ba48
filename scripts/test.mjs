#!/usr/bin/env node
// Runs every uvu suite under tests/ on Node (through tsx), Deno and Bun, and prints one closing line:
// "N passed, N failed, N skipped". Usage:
//   node scripts/test.mjs                         all suites, all runtimes
//   node scripts/test.mjs --runtime node tests/docarray/document.test.ts
// Environment: JINA_TEST_JOBS (parallel files, default 2), JINA_TEST_TIMEOUT (ms per file, default 180000; a file
// may raise its own with a line `// jina-test-timeout: <ms>`).
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const bin = (name) => join(root, "node_modules", ".bin", name);

/** How each runtime runs one TypeScript file. */
const runtimes = {
  node: (file) => [process.execPath, ["--import", "tsx", file]],
  deno: (file) => [bin("deno"), ["run", "-A", "--quiet", file]],
  bun: (file) => [bin("bun"), ["run", file]],
};

function parseArgs(argv) {
  const options = { runtimes: Object.keys(runtimes), files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--runtime" || arg === "-r") options.runtimes = argv[++i].split(",");
    else {
      const path = resolve(arg);
      options.files.push(...(statSync(path).isDirectory() ? findTests(path) : [path]));
    }
  }
  for (const name of options.runtimes) {
    if (!runtimes[name]) throw new Error(`Unknown runtime "${name}": use node, deno or bun`);
  }
  return options;
}

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (entry.endsWith(".test.ts")) found.push(path);
  }
  return found;
}

/** A file may ask for more time than the default with a line `// jina-test-timeout: <ms>` (heavy multi-process suites). */
function fileTimeout(file, timeoutMs) {
  const asked = /^\/\/ jina-test-timeout: (\d+)$/m.exec(readFileSync(file, "utf8"))?.[1];
  return Math.max(timeoutMs, Number(asked ?? 0));
}

const strip = (text) => text.replace(/\x1b\[[0-9;]*m/g, "");

/** Runs one file on one runtime; resolves with uvu's counts and the output. */
function runFile(runtime, file, timeoutMs) {
  const [cmd, args] = runtimes[runtime](file);
  return new Promise((done) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", JINA_TEST_RUNTIME: runtime },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      output += `\n[test runner] timed out after ${timeoutMs} ms, killed\n`;
      child.kill("SIGTERM"); // lets a suite clean up what it made outside its process (namespaces, links)
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) output += `\n[test runner] exited with ${signal ? `signal ${signal}` : `code ${code}`}\n`;
      const text = strip(output);
      const grab = (label) => {
        const match = new RegExp(`(?:^|\\n)\\s*${label}:\\s+(\\d+)`).exec(text);
        return match ? Number(match[1]) : undefined;
      };
      const total = grab("Total");
      const passed = grab("Passed");
      const skipped = grab("Skipped") ?? 0;
      // uvu can exit 0 after a failure whose error it cannot print (a ConnectError's `details` is an array), so a
      // file only passes when every test it counted passed or was skipped.
      const ok = code === 0 && total !== undefined && (passed ?? 0) + skipped >= total;
      done({ ok, code, total: total ?? 0, passed: passed ?? 0, skipped, text });
    });
  });
}

/** The last non-empty line of a file's output. */
function lastLine(text) {
  return text.trimEnd().split("\n").at(-1)?.trim() ?? "";
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const files = options.files.length ? options.files : findTests(join(root, "tests"));
  const jobs = Number(process.env.JINA_TEST_JOBS ?? 2);
  const timeoutMs = Number(process.env.JINA_TEST_TIMEOUT ?? 180_000);
  const queue = options.runtimes.flatMap((runtime) => files.map((file) => ({ runtime, file })));
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const failures = [];
  const started = Date.now();

  async function worker() {
    for (let task = queue.shift(); task; task = queue.shift()) {
      const t0 = Date.now();
      // The package smoke test and `jina-ts new`'s test pack, install and run: three times the time of a suite.
      const slow = /(package\/smoke|cli\/new)\.test\.ts$/.test(task.file.replaceAll("\\", "/"));
      const limit = slow ? timeoutMs * 3 : fileTimeout(task.file, timeoutMs);
      let result = await runFile(task.runtime, task.file, limit);
      if (!result.ok && result.total === 0 && !result.text.includes("timed out")) {
        // The runtime died before uvu could print its summary (Deno has crashed inside its HTTP/2 library under
        // load): run the file once more and say so. A test that kills its own process fails twice and stays red.
        console.log(`retry ${task.runtime.padEnd(4)} ${relative(root, task.file)}: the process ended without uvu's summary (${lastLine(result.text)})`);
        result = await runFile(task.runtime, task.file, limit);
      }
      const name = `${task.runtime.padEnd(4)} ${relative(root, task.file)}`;
      const failed = result.ok ? 0 : Math.max(1, result.total - result.passed - result.skipped);
      totals.passed += result.passed;
      totals.skipped += result.skipped;
      totals.failed += failed;
      const skips = result.text.split("\n").filter((line) => line.startsWith("skip ")).map((l) => `      ${l}`);
      console.log(`${result.ok ? "ok  " : "FAIL"} ${name}  ${result.passed}/${result.total} (${Date.now() - t0} ms)`);
      if (skips.length) console.log(skips.join("\n"));
      if (!result.ok) failures.push({ name, text: result.text });
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));

  for (const failure of failures) {
    console.log(`\n===== ${failure.name} =====\n${failure.text.trimEnd()}`);
  }
  console.log(`\nfinished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exitCode = failures.length ? 1 : 0;
}

await main();
