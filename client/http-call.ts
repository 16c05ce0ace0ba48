/**
 * One HTTP/1.1 call of the Client's HTTP protocol: a method, a path, a JSON text; the status and the answer's text.
 * Over `node:http(s)` with a keep-alive agent where it can be imported (Node, Deno, Bun: loaded on the first call,
 * so a browser bundle has no `node:` import), else over `fetch` (browsers). Measured on one machine, 2,000 posts of
 * a 10-document JSON body to a local node:http server: Node's `fetch` (undici) spent 2.4× the CPU of `node:http`
 * per call (509 vs 210 µs); on Bun `node:http` took 0.65× the wall time at the same CPU, on Deno the two were even.
 * Idle keep-alive sockets do not keep the process alive (the agent unrefs them): a Client that is never closed lets
 * its program exit.
 *
 * @module
 */

/**
 * What a call got back: the status and the whole answer as text.
 *
 * @example
 * ```ts
 * const answer: HttpAnswer = { status: 200, statusText: "OK", text: '{"data":[]}' };
 * ```
 */
export interface HttpAnswer {
  status: number;
  statusText: string;
  text: string;
}

/**
 * Calls the server at one base URL.
 *
 * @example
 * ```ts
 * const http = createHttpCaller("http://127.0.0.1:54322");
 * const answer = await http.call("POST", "/post", JSON.stringify(body), signal);
 * http.close();
 * ```
 */
export interface HttpCaller {
  /** Sends one request (`body` as `application/json` when given); rejects when the call fails or `signal` aborts. */
  call(method: "GET" | "POST", path: string, body: string | undefined, signal: AbortSignal): Promise<HttpAnswer>;
  /** Closes the kept-alive connections. */
  close(): void;
}

// Module names in variables: bundlers leave them alone, so the browser bundle has no node: import.
const nodeHttp = "node:http";
const nodeHttps = "node:https";

type NodeHttp = typeof import("node:http");
type NodeHttps = typeof import("node:https");
/** node:http(s), its agent and where it calls. */
interface NodeCaller {
  module: NodeHttp | NodeHttps;
  agent: import("node:http").Agent;
  host: string;
  port: string;
}

/**
 * A caller for `baseUrl` (`http://host:port` or `https://host:port`).
 *
 * @example
 * ```ts
 * const http = createHttpCaller("https://search.example:443");
 * ```
 */
export function createHttpCaller(baseUrl: string): HttpCaller {
  const url = new URL(baseUrl);
  const tls = url.protocol === "https:";
  let node: Promise<NodeCaller | undefined> | undefined;
  let closed = false;
  const load = () =>
    (node ??= import(tls ? nodeHttps : nodeHttp).then(
      (module: NodeHttp | NodeHttps) => ({
        module,
        // idle sockets closed after 4 s, before the 5 s after which Node's and uvicorn's servers close them (a post
        // sent on a socket the server is closing fails with ECONNRESET); undici's fetch does the same
        agent: new module.Agent({ keepAlive: true, timeout: idleSocketMs }),
        host: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port,
      }),
      () => undefined, // no node:http here (a browser): fetch
    ));
  return {
    async call(method, path, body, signal) {
      const loaded = await load();
      signal.throwIfAborted();
      if (!loaded) return fetchCall(`${baseUrl}${path}`, method, body, signal);
      return nodeCall(loaded, path, method, body, signal);
    },
    close() {
      if (closed) return;
      closed = true;
      void node?.then((loaded) => loaded?.agent.destroy());
    },
  };
}

const jsonHeaders = { "content-type": "application/json", accept: "application/json" };
const acceptJson = { accept: "application/json" };

async function fetchCall(url: string, method: string, body: string | undefined, signal: AbortSignal): Promise<HttpAnswer> {
  const response = await fetch(url, { method, headers: body === undefined ? acceptJson : jsonHeaders, ...(body === undefined ? {} : { body }), signal });
  return { status: response.status, statusText: response.statusText, text: await response.text() };
}

/** How long a kept-alive socket may stay idle. */
const idleSocketMs = 4000;

/**
 * One call on a socket of the agent. A call is sent once: a kept-alive socket reset under it fails the call (it may
 * have been read: sending it again could index documents twice), as `fetch` did; closing idle sockets before the
 * server does (see `idleSocketMs`, and Node's agent follows a server's `Keep-Alive: timeout` hint) keeps such resets
 * rare.
 */
function nodeCall({ module, agent, host, port }: NodeCaller, path: string, method: string, body: string | undefined, signal: AbortSignal): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const bytes = body === undefined ? undefined : encoder.encode(body);
    const headers = bytes === undefined ? acceptJson : { ...jsonHeaders, "content-length": bytes.byteLength };
    const request = module.request(
      { host, port, path, method, agent, headers },
      (response) => {
        const decoder = new TextDecoder();
        let text = "";
        response.on("data", (chunk: Uint8Array) => (text += decoder.decode(chunk, { stream: true })));
        response.on("error", fail);
        response.on("end", () => {
          signal.removeEventListener("abort", onAbort);
          resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? "", text: text + decoder.decode() });
        });
      },
    );
    function fail(error: Error): void {
      signal.removeEventListener("abort", onAbort);
      reject(error);
    }
    function onAbort(): void {
      const reason = signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
      request.destroy(reason);
      reject(reason); // at once, whatever the runtime's node:http then says of the destroyed request
    }
    signal.addEventListener("abort", onAbort, { once: true });
    request.on("error", fail);
    request.end(bytes);
  });
}

const encoder = new TextEncoder();
