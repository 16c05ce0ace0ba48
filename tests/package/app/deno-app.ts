// The smoke test's app on Deno, importing the package as `npm:jina-ts` (deno.json: nodeModulesDir "manual").
import { Flow } from "npm:jina-ts";
import "./app.ts";

void Flow;
