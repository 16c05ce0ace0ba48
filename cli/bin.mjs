#!/usr/bin/env node
// The `jina-ts` command on Node: registers tsx so the TypeScript sources run as they are, then starts cli/main.ts.
// (Deno: `deno run -A cli/main.ts …`; Bun: `bun cli/main.ts …`.)
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
