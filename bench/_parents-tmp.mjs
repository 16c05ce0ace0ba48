import { readFileSync } from "node:fs";
const prof = JSON.parse(readFileSync(process.argv[2], "utf8"));
const target = process.argv[3];
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const counts = new Map();
for (const s of prof.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
const stacks = new Map();
for (const [id, c] of counts) {
  let cur = id; const chain = [];
  let hit = false;
  while (cur !== undefined) { const n = byId.get(cur); const name = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber}`; if (name.startsWith(target)) hit = true; if (hit) chain.push(name); cur = parent.get(cur); }
  if (!hit) continue;
  const key = chain.slice(0, 9).join(" < ");
  stacks.set(key, (stacks.get(key) ?? 0) + c);
}
for (const [k, v] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(v, k, "\n");
