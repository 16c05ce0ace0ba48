/**
 * The files of a new jina-ts project (Jina's `jina new` template, in TypeScript): `flow.yml` with a gateway on
 * gRPC, HTTP and WebSocket (ports 54321–54323), `executor1/` (an Executor YAML, the executor, its test),
 * `client.ts`, `package.json`, `tsconfig.json` and a README.
 *
 * @module
 */

/** Options of {@link projectFiles}. */
export interface ProjectOptions {
  /** The project's name (its folder and package name). */
  name: string;
  /** The `jina-ts` dependency: a version range, or a `file:` path to a packed tarball. */
  jinaTs: string;
  /** The `tsx` version (runs the TypeScript executors and tests on Node). */
  tsx: string;
}

/**
 * Every file of a new project, by relative path.
 *
 * @example
 * ```ts
 * projectFiles({ name: "hello", jinaTs: "^0.1.0", tsx: "4.23.15" })["flow.yml"];
 * ```
 */
export function projectFiles(options: ProjectOptions): Record<string, string> {
  return {
    "flow.yml": `# The flow: a gateway on gRPC, HTTP and WebSocket, and one executor (jina-ts flow --uses flow.yml).
jtype: Flow
version: '1'
gateway:
  protocol: [grpc, http, websocket]
  port: [54321, 54322, 54323]
executors:
  - name: executor1
    uses: executor1/config.yml
`,
    "executor1/config.yml": `# The executor: its class, the module that defines it, and its constructor values.
jtype: MyExecutor
py_modules:
  - executor.ts
with:
  greeting: hello
metas:
  name: executor1
`,
    "executor1/executor.ts": `// jina-ts/executor, not the package root: an executor process then loads no gateway, flow or config code.
import type { DocumentArray } from "jina-ts/docarray";
import { Executor, type ExecutorOptions, requests } from "jina-ts/executor";

/** Greets every document: "hello, world!" for a document whose text is "world". */
export class MyExecutor extends Executor {
  readonly greeting: string;

  constructor(options: ExecutorOptions & { greeting?: string } = {}) {
    super(options);
    this.greeting = options.greeting ?? "hello";
  }

  @requests()
  greet({ docs }: { docs: DocumentArray }): void {
    for (const doc of docs) doc.text = \`\${this.greeting}, \${doc.text || "world"}!\`;
  }
}
`,
    "executor1/executor.test.ts": `import assert from "node:assert/strict";
import { test } from "node:test";
import { Document, DocumentArray, Flow } from "jina-ts";
import { MyExecutor } from "./executor.ts";

test("MyExecutor greets every document", async () => {
  const flow = await new Flow().add({ uses: MyExecutor, usesWith: { greeting: "hi" } }).start();
  try {
    const docs = await flow.post("/", new DocumentArray([new Document({ text: "world" }), new Document()]));
    assert.deepEqual([...docs].map((doc) => doc.text), ["hi, world!", "hi, world!"]);
  } finally {
    await flow.close();
  }
});

test("flow.yml loads and answers", async () => {
  const flow = await Flow.load(new URL("../flow.yml", import.meta.url).pathname);
  assert.equal(flow.numDeployments, 1);
});
`,
    "client.ts": `// Sends two documents to the running flow (npm start) over gRPC and prints what comes back.
import { Client, Document, DocumentArray } from "jina-ts";

const client = new Client({ host: "127.0.0.1", port: 54321, protocol: "grpc" });
const docs = await client.post("/", new DocumentArray([new Document({ text: "world" }), new Document({ text: "jina" })]));
for (const doc of docs) console.log(doc.text);
client.close();
`,
    "package.json": `${JSON.stringify(
      {
        name: options.name,
        version: "0.1.0",
        private: true,
        type: "module",
        scripts: {
          start: "jina-ts flow --uses flow.yml",
          test: "tsx --test executor1/executor.test.ts",
          client: "tsx client.ts",
        },
        dependencies: { "jina-ts": options.jinaTs },
        devDependencies: { tsx: options.tsx },
      },
      null,
      2,
    )}\n`,
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          allowImportingTsExtensions: true,
        },
        include: ["**/*.ts"],
      },
      null,
      2,
    )}\n`,
    "README.md": `# ${options.name}

A [jina-ts](https://www.npmjs.com/package/jina-ts) project: one executor behind a gateway on gRPC (54321), HTTP (54322)
and WebSocket (54323).

\`\`\`sh
npm install && npm start     # serves flow.yml; Swagger UI on http://127.0.0.1:54322/docs
npm run client               # in another terminal: sends two documents over gRPC
npm test                     # the executor's test
\`\`\`

- \`flow.yml\`: the Flow (Jina's YAML format): the gateway and the executors.
- \`executor1/config.yml\`: the executor's class, module and constructor values (\`with\`).
- \`executor1/executor.ts\`: the executor; \`executor1/executor.test.ts\`: its test.
- \`client.ts\`: a client.
`,
  };
}
