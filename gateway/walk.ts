/**
 * One request through the topology graph (Jina's `GatewayRequestHandler.handle_request`): each node waits for
 * all its parts; is skipped (the parts, reduced, pass through) when `targetExecutor` does not match it or it is
 * known not to bind the endpoint; filters each part with its `when` condition; reduces the parts (or sends
 * them all with `noReduce`); gets its own parameters; and is called through the connection pool. An in-band
 * error stops the nodes after it; a network error rejects.
 *
 * `when` follows Jina: the filtered documents replace the docs for that node *and everything after it on the
 * same branch* ("once something fails to pass through a filter, it does not continue down the pipeline");
 * a parallel branch still carries them, so they come back at a join. A skipped node does not filter. When any
 * node has a condition, the final documents are put back in the request's order, unknown or new ones last.
 *
 * @module
 */
import { create, type JsonObject } from "@bufbuild/protobuf";
import { docsOf, type DocumentPredicate } from "../docarray/mod.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { isOwned, markOwned } from "../proto/ownership.ts";
import { headerWith, requestWith } from "../proto/request-copy.ts";
import { type DataRequestProto, RouteProtoSchema, StatusProto_StatusCode } from "../proto/gen/jina_pb.ts";
import { filterRequest, sortLikeRequest } from "./conditions.ts";
import { type GraphNode, startGateway, type TopologyGraph } from "./graph.ts";
import type { GatewayLogger } from "./options.ts";
import { mergeResults, restoreParameters, resultsKey, specificParameters } from "./parameters.ts";
import { type CancelInput, subscribeCancel } from "../proto/server/mod.ts";
import { reduceRequests } from "./reduce-requests.ts";
import { buildRoutes, endVisit, routeTimestampNow, startVisit, type Visit } from "./routes.ts";
import { targetMatcher } from "./target-executor.ts";

/**
 * What a deployment answered. `isError` is true for an in-band error (status ERROR or trailer `is-error`).
 *
 * @example
 * ```ts
 * const { response, isError }: NodeReply = await pool.send("encoder", request, { endpoint: "/index" });
 * ```
 */
export interface NodeReply {
  response: DataRequestProto;
  isError: boolean;
}

/**
 * Calls one deployment (the connection pool's `send`) with one request, or with several parts (`noReduce`).
 * `signal` is the walk's own `signal` (an AbortSignal or a lazy `Cancellation`: `signalOf(signal)` gives an
 * AbortSignal) or, where the walk runs several calls at once, a signal that also aborts when one of them fails.
 *
 * @example
 * ```ts
 * const send: NodeSender = (node, parts, signal) => pool.send(node, parts, { endpoint: "/index", signal });
 * ```
 */
export type NodeSender = (node: string, parts: readonly DataRequestProto[], signal: CancelInput) => Promise<NodeReply>;

/**
 * How one node treats what enters it.
 *
 * @example
 * ```ts
 * const options: WalkNodeOptions = { when: compileQuery({ tags__lang: "en" }), noReduce: false };
 * ```
 */
export interface WalkNodeOptions {
  /** Only the documents matching it enter the node (and continue on its branch). */
  when?: DocumentPredicate | undefined;
  /** Several parts are sent together (`process_data`, the executor sees `docsMatrix`) instead of reduced. */
  noReduce?: boolean | undefined;
}

/**
 * Options of {@link walkGraph}.
 *
 * @example
 * ```ts
 * const options: WalkOptions = { send, signal: AbortSignal.timeout(30_000), logger: console };
 * ```
 */
export interface WalkOptions {
  /** Calls a deployment. */
  send: NodeSender;
  /** The caller's signal (or a lazy `Cancellation`): aborts the calls the response waits for. */
  signal?: CancelInput | undefined;
  /** Aborts calls of floating nodes (which outlive the request), e.g. when the gateway closes. */
  floatingSignal?: AbortSignal;
  /** Receives each floating node's task, so that its owner can wait for it on close. */
  trackFloating?: (task: Promise<void>) => void;
  /** Where errors of floating nodes are reported. */
  logger: GatewayLogger;
  /** Per node: its `when` condition and `noReduce`. */
  nodes?: ReadonlyMap<string, WalkNodeOptions>;
  /** False when a node is known not to bind the request's endpoint (nor `/default`): it is skipped. Default: all bind. */
  binds?: (node: string) => boolean;
}

/** The output of a node (or of the start gateway), as handed to its successors. */
interface Part {
  request: DataRequestProto;
  /** True when no other consumer holds `request`, so that it may be changed in place. */
  owned: boolean;
  isError: boolean;
  /** The node it comes from ("gateway" for the request itself): the route `docsMap` keys on with `noReduce`. */
  from: string;
}

/** Marks a floating node whose input failed: the failure is reported where it happened, not again. */
class UpstreamFailed extends Error {}

/**
 * Walks `graph` for one request and resolves with the response: the documents and parameters that reach
 * `end-gateway`, routes for the gateway and every awaited node visited, or the first in-band error response.
 * Rejects with the JinaError of a network failure (unavailable, timeout) or of the caller's abort.
 *
 * @example
 * ```ts
 * const graph = createTopologyGraph({ "start-gateway": ["a"], a: ["end-gateway"] });
 * const response = await walkGraph(graph, request, { send: (node, req, signal) => pool.send(node, req, { endpoint: "/index", signal }), logger: console });
 * ```
 */
export async function walkGraph(graph: TopologyGraph, request: DataRequestProto, options: WalkOptions): Promise<DataRequestProto> {
  const gatewayStart = routeTimestampNow();
  if (options.signal?.aborted) throw JinaError.from(options.signal.reason, ErrorCode.Canceled);
  const walk = new Walk(options, targetMatcher(request.header?.targetExecutor));
  const header = headerWith(request.header, request.header?.requestId ?? "", true);
  // A request its caller gave up (marked owned) is worked on in place; any other is copied by the first in-process hop.
  // Where the gateway forks at once, no branch owns it (clone-at-fork).
  const input: Part = { request: requestWith(request, header, request.parameters, []), owned: isOwned(request) && graph.startFanOut <= 1, isError: false, from: "gateway" };
  const sorts = walk.sorts();
  const inputIds = sorts ? docsOf(input.request).ids : [];
  // In a chain at most one call runs at a time, so a failure leaves none to cancel (the caller's signal is enough),
  // and each node waits for the one before it: a loop, without a promise per node and edge.
  const chain = chainOf(graph);
  let final: Part;
  let results: JsonObject | undefined;
  if (chain) {
    const signal = options.signal ?? never;
    final = input;
    for (const node of chain) final = await walk.node(node, [final], signal);
    results = mergeResults([final.request.parameters]);
  } else {
    const parts = await walk.all(graph, input);
    final = parts.find(isErrorPart) ?? parts[0]!;
    results = mergeResults(parts.map(parametersOfPart));
  }
  const parameters = final.request.parameters ?? {};
  const sorted = sorts && !final.isError ? sortLikeRequest(final.request, inputIds) : final.request;
  return requestWith(
    sorted,
    headerWith(final.request.header ?? header, header.requestId),
    results ? { ...parameters, [resultsKey]: results } : parameters,
    buildRoutes(gatewayStart, walk.visits),
  );
}

/** One walk's state: what each node is, the nodes visited so far (for the routes), and how a node is called. */
class Walk {
  readonly visits: Visit[] = [];
  readonly nodeOptions: ReadonlyMap<string, WalkNodeOptions>;

  constructor(readonly options: WalkOptions, readonly matches: (node: string) => boolean) {
    this.nodeOptions = options.nodes ?? noNodeOptions;
  }

  /** Whether any node has a `when` condition (the final documents are then put back in the request's order). */
  sorts(): boolean {
    let sorts = sortingNodes.get(this.nodeOptions);
    if (sorts === undefined) {
      sorts = false;
      for (const node of this.nodeOptions.values()) if (node.when) sorts = true;
      sortingNodes.set(this.nodeOptions, sorts);
    }
    return sorts;
  }

  /** Any graph: every node runs once all its parts are there; the parts that reach `end-gateway`. */
  async all(graph: TopologyGraph, input: Part): Promise<Part[]> {
    const options = this.options;
    const awaited = new AbortController();
    const floating = options.floatingSignal ?? never;
    const outputs = new Map<string, Promise<Part>>();
    const outputOf = (name: string): Promise<Part> => {
      if (name === startGateway) return Promise.resolve(input);
      let output = outputs.get(name);
      if (!output) {
        const node = graph.node(name);
        output = Promise.all(node.incoming.map(outputOf)).then(
          (parts) => this.node(node, parts, node.awaited ? awaited.signal : floating),
          (error) => {
            throw node.awaited ? error : new UpstreamFailed("upstream failed", { cause: error });
          },
        );
        outputs.set(name, output);
      }
      return output;
    };
    const stopListening = options.signal ? subscribeCancel(options.signal, (reason) => awaited.abort(reason)) : undefined;
    try {
      const ends = Promise.all(graph.endIncoming.map(outputOf));
      for (const node of graph.nodes) {
        if (node.awaited) continue;
        const task = outputOf(node.name).then(
          () => undefined,
          (error) => {
            if (!(error instanceof UpstreamFailed)) options.logger.warn(`Floating deployment "${node.name}" failed: ${describe(error)}`, error);
          },
        );
        options.trackFloating?.(task);
      }
      return await ends;
    } catch (error) {
      // Only a rejection can leave awaited calls running (a node waits for all of its parts before it answers,
      // even with an error), so only then are they cancelled: no abort, and no DOMException, per normal request.
      awaited.abort();
      throw error;
    } finally {
      stopListening?.();
    }
  }

  /** One node, once all its parts are there: skipped, filtered, reduced, called; its output. */
  async node(node: GraphNode, parts: Part[], signal: CancelInput): Promise<Part> {
    const failed = parts.find(isErrorPart);
    if (failed) return passOn(failed, node);
    if (!this.matches(node.name) || this.options.binds?.(node.name) === false) return passOn(reduceParts(parts), node);
    const { when, noReduce } = this.nodeOptions.get(node.name) ?? noOptions;
    const entering = when ? parts.map((part) => ({ ...part, request: filterRequest(part.request, when) })) : parts;
    const given = parametersOf(entering.map((part) => part.request));
    const parameters = specificParameters(given, node.name);
    const outgoing = noReduce && entering.length > 1
      ? entering.map((part) => handOn(requestWith(part.request, part.request.header, parameters, [create(RouteProtoSchema, { executor: part.from })]), part.owned))
      : [handOnReduced(reduceParts(entering), parameters)];
    const visit = startVisit(node.name);
    if (node.awaited) this.visits.push(visit);
    const reply = await this.options.send(node.name, outgoing, signal);
    endVisit(visit, reply.response.header?.status);
    reply.response.parameters = restoreParameters(given, reply.response.parameters);
    if (reply.isError && !node.awaited) {
      this.options.logger.warn(`Floating deployment "${node.name}" answered with an error: ${reply.response.header?.status?.description ?? "(no description)"}`);
    }
    return { request: reply.response, owned: node.fanOut === 1, isError: reply.isError, from: node.name };
  }
}

const noNodeOptions: ReadonlyMap<string, WalkNodeOptions> = new Map();
/** Per node options map (made once per gateway), whether a node has a `when`: not an iterator per request. */
const sortingNodes = new WeakMap<ReadonlyMap<string, WalkNodeOptions>, boolean>();
const noOptions: WalkNodeOptions = {};

function isErrorPart(part: Part): boolean {
  return part.isError;
}

function parametersOfPart(part: Part): JsonObject | undefined {
  return part.request.parameters;
}

/** A part handed on by `node` without a call: owned only where the node does not fork. */
function passOn(part: Part, node: GraphNode): Part {
  return { ...part, owned: part.owned && node.fanOut === 1 };
}

/** The parts entering a node as one (reduced by doc id when there are several). */
function reduceParts(all: Part[]): Part {
  return all.length === 1 ? all[0]! : {
    request: reduceRequests(all.map((part) => part.request), { ownsFirst: all[0]!.owned }),
    // documents only in later parts are shared, not copied, by the reduce
    owned: all.every((part) => part.owned),
    isError: false,
    from: all[0]!.from,
  };
}

/** A part nobody else holds is handed on as owned: an in-process executor then works on it without a copy. */
function handOn(request: DataRequestProto, owned: boolean): DataRequestProto {
  return owned ? markOwned(request) : request;
}

function handOnReduced(part: Part, parameters: DataRequestProto["parameters"]): DataRequestProto {
  return handOn(requestWith(part.request, part.request.header, parameters, part.request.routes), part.owned);
}

const never = new AbortController().signal;
const chains = new WeakMap<TopologyGraph, readonly GraphNode[] | null>();

/**
 * The nodes of `graph` in order when it is one line of awaited nodes (no fork, no join, no floating node); null
 * otherwise.
 */
function chainOf(graph: TopologyGraph): readonly GraphNode[] | null {
  let chain = chains.get(graph);
  if (chain === undefined) {
    const line = graph.startFanOut <= 1 && graph.endIncoming.length === 1 &&
      graph.nodes.every((node) => node.awaited && node.fanOut <= 1 && node.incoming.length <= 1);
    const reversed: GraphNode[] = [];
    for (let name = graph.endIncoming[0]; line && name !== undefined && name !== startGateway; name = reversed.at(-1)!.incoming[0]) {
      reversed.push(graph.node(name));
    }
    chain = line && reversed.length === graph.nodes.length ? reversed.reverse() : null;
    chains.set(graph, chain);
  }
  return chain;
}

/**
 * Whether a response carries Jina's in-band error status (`header.status.code = ERROR`).
 *
 * @example
 * ```ts
 * if (isErrorResponse(response)) console.log(response.header?.status?.description);
 * ```
 */
export function isErrorResponse(request: DataRequestProto): boolean {
  return request.header?.status?.code === StatusProto_StatusCode.ERROR;
}

/** The parameters of several parts: the first part's, with every part's `__results__` merged. */
function parametersOf(requests: readonly DataRequestProto[]): JsonObject {
  const first = requests[0]?.parameters ?? {};
  if (requests.length === 1) return first;
  const results = mergeResults(requests.map((request) => request.parameters));
  return results ? { ...first, [resultsKey]: results } : first;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
