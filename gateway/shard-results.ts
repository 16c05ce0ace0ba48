/**
 * What the gateway does with the answers of a sharded deployment's fan-out (Jina's head): tolerate failed
 * shards when another answered, then reduce the answers by document id, or concatenate them (`noReduce`).
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import { DocumentArray, docsOf, setDocs } from "../docarray/mod.ts";
import { JinaError } from "../proto/errors.ts";
import { type DataRequestProto, DataRequestProtoSchema, RouteProtoSchema } from "../proto/gen/jina_pb.ts";
import type { GatewayLogger } from "./options.ts";
import { mergeResults, resultsKey } from "./parameters.ts";
import { reduceRequests } from "./reduce-requests.ts";
import type { NodeReply } from "./walk.ts";

/**
 * The answers of the shards that answered, in shard order, each labelled by {@link labelShard}. When some shards failed
 * and others answered, one warning names the failed shards and their errors. Throws the first shard's error
 * when every shard failed.
 *
 * @example
 * ```ts
 * const settled = await Promise.allSettled(shards.map((shard) => shard.send(parts, options)));
 * const replies = survivingShards("indexer", settled, logger); // 2 of 3 answered: a warning, 2 replies
 * ```
 */
export function survivingShards(deployment: string, settled: readonly PromiseSettledResult<NodeReply>[], logger: GatewayLogger): NodeReply[] {
  const replies: NodeReply[] = [];
  const failures: string[] = [];
  let firstError: unknown;
  for (const [shard, result] of settled.entries()) {
    if (result.status === "fulfilled") {
      replies.push(labelShard(result.value, deployment, shard));
    } else {
      firstError ??= result.reason;
      failures.push(`shard ${shard}: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
    }
  }
  if (replies.length === 0) throw JinaError.from(firstError);
  if (failures.length > 0) {
    logger.warn(
      `${failures.length} of ${settled.length} shards of deployment "${deployment}" failed; answering with the other ` +
        `shards' results (${failures.join("; ")})`,
      firstError,
    );
  }
  return replies;
}

/**
 * Labels a shard's answer with its shard: `routes = [{executor: "<deployment>/shard-<s>"}]`, what `usesAfter`
 * sees as the `docsMap` keys. (The gateway rebuilds the routes of the final response anyway.)
 *
 * @example
 * ```ts
 * labelShard(reply, "indexer", 1).response.routes[0]?.executor; // "indexer/shard-1"
 * ```
 */
export function labelShard(reply: NodeReply, deployment: string, shard: number): NodeReply {
  reply.response.routes = [create(RouteProtoSchema, { executor: `${deployment}/shard-${shard}` })];
  return reply;
}

/**
 * One request from the shards' answers: the only one as it is; otherwise reduced by document id (Jina's
 * `reduce_requests`: docs, matches and chunks merged, `__results__` merged, the rest from the first), or with
 * `noReduce` the first answer with every answer's documents concatenated and `__results__` merged.
 *
 * @example
 * ```ts
 * const response = combineShards(replies.map((reply) => reply.response), { noReduce: false });
 * ```
 */
export function combineShards(responses: readonly DataRequestProto[], options: { noReduce: boolean }): DataRequestProto {
  const [first] = responses;
  if (!first) throw new RangeError("combineShards needs at least one response");
  if (responses.length === 1) return first;
  if (!options.noReduce) return reduceRequests(responses, { ownsFirst: true });
  const results = mergeResults(responses.map((response) => response.parameters));
  const combined = create(DataRequestProtoSchema, {
    ...(first.header ? { header: first.header } : {}),
    parameters: results ? { ...first.parameters, [resultsKey]: results } : { ...first.parameters },
  });
  setDocs(combined, DocumentArray.fromProto(responses.flatMap((response) => docsOf(response).protos)));
  return combined;
}
