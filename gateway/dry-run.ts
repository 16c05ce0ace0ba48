/**
 * Dry run (Jina's `JinaGatewayDryRunRPC/dry_run`, HTTP `GET /dry_run`): one document through the whole graph
 * to the `_jina_dry_run_` endpoint every executor answers, reported as a `StatusProto`.
 *
 * @module
 */
import { create } from "@bufbuild/protobuf";
import { createDataRequest, Document, DocumentArray } from "../docarray/mod.ts";
import { toStatusProto } from "../proto/errors.ts";
import { type DataRequestProto, type StatusProto, StatusProto_StatusCode, StatusProtoSchema } from "../proto/gen/jina_pb.ts";

/**
 * The endpoint every Jina executor binds as a no-op for dry runs.
 *
 * @example
 * ```ts
 * createDataRequest({ endpoint: dryRunEndpoint, docs: new DocumentArray([new Document()]) });
 * ```
 */
export const dryRunEndpoint = "_jina_dry_run_";

/**
 * Sends one document to `_jina_dry_run_` through `handle` and resolves with SUCCESS, or ERROR with the
 * exception of the first executor that failed (in-band or on the network). Never rejects.
 *
 * @example
 * ```ts
 * const status = await dryRun((request, signal) => gateway.handle(request, signal));
 * status.code === StatusProto_StatusCode.SUCCESS; // the flow is ready
 * ```
 */
export async function dryRun(
  handle: (request: DataRequestProto, signal?: AbortSignal) => Promise<DataRequestProto>,
  signal?: AbortSignal,
): Promise<StatusProto> {
  try {
    const request = createDataRequest({ endpoint: dryRunEndpoint, docs: new DocumentArray([new Document()]) });
    const response = await handle(request, signal);
    const status = response.header?.status;
    if (status?.code === StatusProto_StatusCode.ERROR) return status;
    return create(StatusProtoSchema, { code: StatusProto_StatusCode.SUCCESS });
  } catch (error) {
    return toStatusProto(error, (error as { executor?: string }).executor ?? "gateway");
  }
}
