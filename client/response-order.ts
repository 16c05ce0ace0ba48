/**
 * Puts the responses of a stream back in request order: each request's position is noted by its `requestId` when
 * it is sent; a response is held until every earlier one has been handed out. Shared by the transports whose
 * gateway answers out of order (gRPC `Call`, WebSocket).
 *
 * @module
 */
import type { DataRequestProto } from "../proto/gen/jina_pb.ts";

/**
 * The order of one stream (see {@link createResponseOrder}).
 *
 * @example
 * ```ts
 * const order = createResponseOrder();
 * order.sent(request);
 * order.received(response);
 * for (let ready = order.take(); ready; ready = order.take()) yield ready;
 * ```
 */
export interface ResponseOrder {
  /** Requests sent so far. */
  readonly sentCount: number;
  /** Responses handed out so far. */
  readonly takenCount: number;
  /** Notes the position of a request as it is sent. */
  sent(request: DataRequestProto): void;
  /** Holds a response until its turn. */
  received(response: DataRequestProto): void;
  /** The next response in request order, if it has arrived. */
  take(): DataRequestProto | undefined;
}

/**
 * Creates the order of one stream.
 *
 * @example
 * ```ts
 * const order = createResponseOrder();
 * ```
 */
export function createResponseOrder(): ResponseOrder {
  const positions = new Map<string, number>();
  const buffered = new Map<number, DataRequestProto>();
  let sentCount = 0;
  let takenCount = 0;
  return {
    get sentCount() {
      return sentCount;
    },
    get takenCount() {
      return takenCount;
    },
    sent(request) {
      positions.set(request.header?.requestId ?? "", sentCount++);
    },
    received(response) {
      const id = response.header?.requestId ?? "";
      let index = positions.get(id);
      positions.delete(id);
      if (index === undefined || index < takenCount || buffered.has(index)) {
        // a gateway that rewrote the request id: take the response as the next one that arrived
        index = takenCount;
        while (buffered.has(index)) index++;
      }
      buffered.set(index, response);
    },
    take() {
      const ready = buffered.get(takenCount);
      if (ready) buffered.delete(takenCount++);
      return ready;
    },
  };
}
