#!/usr/bin/env node
// Regenerates proto/gen and fails when the result differs from what is committed.
import { execSync } from "node:child_process";

execSync("npm run --silent gen", { stdio: "inherit" });
const changed = execSync("git status --porcelain -- proto/gen", { encoding: "utf8" }).trim();
if (changed) {
  console.error(`proto/gen is stale: regenerating changed\n${changed}\nRun \`npm run gen\` and commit the result.`);
  process.exit(1);
}
console.log("proto/gen is current");
