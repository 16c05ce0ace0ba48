/**
 * The playground: a page the gateway serves at `GET /` to browsers (a request whose `Accept` prefers `text/html`;
 * every other client still gets Jina's health answer `{}`), made of the static files in the repository's
 * `playground/` folder, served by the gateway itself (no CDN), plus two small JSON routes the page reads:
 *
 * - `GET /playground/graph`: `{ mermaid, svg }`, the flow's graph as the flow handed it over (`PlaygroundOptions.graph`);
 * - `GET /playground/metrics`: the gateway's Prometheus text (with `monitoring: true`; 404 otherwise).
 *
 * The page itself finds the endpoints in `/openapi.json`, posts to them, reads `/status` of the executors through
 * `/post`, and draws what comes back. It works for any flow.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import type { Context, Hono } from "hono";
import { ErrorCode, JinaError } from "../proto/errors.ts";

/**
 * The flow's graph for the playground: mermaid text (Jina's `flowchart`) and, when rendered, an SVG of it.
 *
 * @example
 * ```ts
 * const graph: PlaygroundGraph = { mermaid: "flowchart LR\n  gateway --> encoder" };
 * ```
 */
export interface PlaygroundGraph {
  mermaid?: string;
  svg?: string;
}

/**
 * Options of {@link mountPlayground}.
 *
 * @example
 * ```ts
 * const options: PlaygroundOptions = { graph: () => ({ mermaid: flowchart }), metrics: () => gateway.metrics() };
 * ```
 */
export interface PlaygroundOptions {
  /** The flow's graph, asked for once on the first request of the page. */
  graph?: () => PlaygroundGraph | Promise<PlaygroundGraph>;
  /** The gateway's Prometheus text; without it `/playground/metrics` answers 404. */
  metrics?: () => Promise<string>;
}

/** The page's files in `playground/`, with their content types. Nothing else is served from there. */
const files: Readonly<Record<string, string>> = {
  "index.html": "text/html; charset=utf-8",
  "playground.css": "text/css; charset=utf-8",
  "playground.js": "text/javascript; charset=utf-8",
};

const folder = new URL("../playground/", import.meta.url);

/**
 * Whether a request asks for a page rather than JSON: its `Accept` header names `text/html`.
 *
 * @example
 * ```ts
 * acceptsHtml("text/html,application/xhtml+xml,*\/*;q=0.8"); // true
 * acceptsHtml("application/json"); // false
 * ```
 */
export function acceptsHtml(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*text\/html/.test(accept);
}

/**
 * Adds `/playground/*` to the app and returns the handler for `GET /` that answers the page to browsers (the
 * caller routes `/` to it, before its JSON answer).
 *
 * @example
 * ```ts
 * const page = mountPlayground(app, { metrics: () => gateway.metrics() });
 * app.get("/", (c) => page(c) ?? c.json({}));
 * ```
 */
export function mountPlayground(app: Hono, options: PlaygroundOptions): (c: Context) => Promise<Response> | undefined {
  const cache = new Map<string, Promise<Uint8Array>>();
  const read = (file: string): Promise<Uint8Array> => {
    let bytes = cache.get(file);
    if (!bytes) {
      bytes = readFile(new URL(file, folder)).then((buffer) => new Uint8Array(buffer));
      cache.set(file, bytes);
      bytes.catch(() => cache.delete(file));
    }
    return bytes;
  };
  const serve = async (c: Context, file: string) => {
    try {
      return c.body(await read(file) as Uint8Array<ArrayBuffer>, 200, { "content-type": files[file]!, "cache-control": "no-cache" });
    } catch (error) {
      throw new JinaError(`The playground's ${file} cannot be read: ${(error as Error).message}`, ErrorCode.NotFound, { cause: error });
    }
  };
  for (const file of Object.keys(files)) app.get(`/playground/${file}`, (c) => serve(c, file));
  let graph: Promise<PlaygroundGraph> | undefined;
  app.get("/playground/graph", async (c) => {
    graph ??= Promise.resolve(options.graph?.() ?? {});
    return c.json(await graph);
  });
  app.get("/playground/metrics", async (c) => {
    if (!options.metrics) throw new JinaError("This gateway keeps no metrics: start it with monitoring: true", ErrorCode.NotFound);
    return c.body(await options.metrics(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
  return (c) => (acceptsHtml(c.req.header("accept")) ? serve(c, "index.html") : undefined);
}
