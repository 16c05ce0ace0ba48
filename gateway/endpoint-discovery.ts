/**
 * Endpoint discovery (Jina's gateway `_executor_endpoint_mapping`): the first request starts, in the background,
 * an `endpoint_discovery` call to every deployment; once a deployment's endpoints are known, requests to an
 * endpoint it binds neither directly nor through `/default` skip it (the request passes through). Until then,
 * and whenever discovery fails, requests are sent as usual: a failure is never fatal.
 *
 * @module
 */
import { ConnectError } from "@connectrpc/connect";
import { ErrorCode } from "../proto/errors.ts";
import type { GatewayLogger } from "./options.ts";

/**
 * Options of {@link createEndpointDiscovery}.
 *
 * @example
 * ```ts
 * const options: EndpointDiscoveryOptions = { deployments: pool.deployments, discover: (name, signal) => pool.endpoints(name, signal), logger: console };
 * ```
 */
export interface EndpointDiscoveryOptions {
  /** The deployments to ask. */
  deployments: readonly string[];
  /** Asks one deployment; undefined means its executors cannot tell (they are never skipped, nor asked again). */
  discover(deployment: string, signal: AbortSignal): Promise<readonly string[] | undefined>;
  /** Where unexpected discovery failures are reported (once per deployment). */
  logger: GatewayLogger;
  /** Aborts the calls in flight (the gateway closing). */
  signal?: AbortSignal;
}

/**
 * The endpoints known per deployment.
 *
 * @example
 * ```ts
 * void discovery.start();                   // on each request: asks the deployments not known yet
 * discovery.binds("indexer", "/search");    // false once known to bind only /index
 * ```
 */
export interface EndpointDiscovery {
  /**
   * Asks every deployment whose endpoints are not known (and not being asked) yet. Resolves when every
   * discovery in flight has settled; never rejects.
   */
  start(): Promise<void>;
  /** False only when the deployment's endpoints are known and include neither `endpoint` nor `/default`. */
  binds(deployment: string, endpoint: string): boolean;
  /** The endpoints known per deployment (undefined: not known). */
  known(): Record<string, readonly string[] | undefined>;
}

type State = { kind: "unknown" } | { kind: "asking"; done: Promise<void> } | { kind: "known"; endpoints: ReadonlySet<string> } | { kind: "unsupported" };

/** Failures that are expected while a flow starts or stops, and reported by the data calls themselves. */
const quiet = new Set<ErrorCode>([ErrorCode.Unavailable, ErrorCode.Canceled, ErrorCode.DeadlineExceeded]);

/**
 * Creates the discovery state of a gateway; nothing is asked before the first {@link EndpointDiscovery.start}.
 * A failed discovery leaves the deployment unknown, so a later request asks again; UNIMPLEMENTED (an executor
 * without discovery) stops asking. Failures other than UNAVAILABLE, DEADLINE_EXCEEDED and CANCELLED are
 * reported once per deployment as a warning.
 *
 * @example
 * ```ts
 * const discovery = createEndpointDiscovery({ deployments: ["indexer"], discover: (name, signal) => pool.endpoints(name, signal), logger: console });
 * await discovery.start();
 * discovery.known(); // { indexer: ["/index", "_jina_dry_run_"] }
 * ```
 */
export function createEndpointDiscovery(options: EndpointDiscoveryOptions): EndpointDiscovery {
  const states = new Map<string, State>(options.deployments.map((name) => [name, { kind: "unknown" }]));
  // How many deployments are not settled (unknown or being asked): once none is, `start` (called per request) is a
  // shared resolved promise, with no walk over the map.
  let unsettled = states.size;
  const resolved = Promise.resolve();
  const warned = new Set<string>();
  const signal = options.signal ?? new AbortController().signal;

  const ask = async (name: string): Promise<void> => {
    try {
      const endpoints = await options.discover(name, signal);
      states.set(name, endpoints === undefined ? { kind: "unsupported" } : { kind: "known", endpoints: new Set(endpoints) });
      unsettled--;
    } catch (error) {
      states.set(name, { kind: "unknown" });
      const code = ConnectError.from(error).code;
      if (!signal.aborted && !quiet.has(code) && !warned.has(name)) {
        warned.add(name);
        options.logger.warn(
          `Endpoint discovery of deployment "${name}" failed (${error instanceof Error ? error.message : String(error)}): ` +
            `it gets every request until its endpoints are known`,
          error,
        );
      }
    }
  };

  return {
    start() {
      if (unsettled === 0 || signal.aborted) return resolved;
      const pending: Promise<void>[] = [];
      for (const [name, state] of states) {
        if (state.kind === "asking") pending.push(state.done);
        if (state.kind !== "unknown") continue;
        const done = Promise.resolve(name).then(ask); // after the state below is set, whatever `discover` does
        states.set(name, { kind: "asking", done });
        pending.push(done);
      }
      return pending.length === 0 ? Promise.resolve() : Promise.all(pending).then(() => undefined);
    },
    binds(deployment, endpoint) {
      const state = states.get(deployment);
      if (state?.kind !== "known") return true;
      return state.endpoints.has(endpoint) || state.endpoints.has("/default");
    },
    known() {
      return Object.fromEntries(
        [...states].map(([name, state]) => [name, state.kind === "known" ? [...state.endpoints] : undefined]),
      );
    },
  };
}
