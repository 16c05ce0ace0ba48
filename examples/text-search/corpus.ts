/** A small corpus for the text-search example. */
export const corpus: string[] = [
  "Jina serves machine learning models as microservices over gRPC, HTTP and WebSocket",
  "An executor is a class whose methods handle endpoints over a DocumentArray",
  "A flow composes executors into a pipeline with shards and replicas",
  "Vector search finds the nearest embeddings by cosine distance",
  "Replicas spread requests round-robin and keep serving when one of them dies",
  "Shards split an index; a search is sent to every shard and the matches are merged",
  "The gateway turns HTTP JSON into protobuf requests and walks the flow graph",
  "Dynamic batching merges small requests into one call to the model",
  "Deno, Node and Bun run the same TypeScript source",
  "Kubernetes and docker-compose files can be exported from a flow",
  "Feature hashing turns words into a fixed-size vector without a model",
  "A document carries text, tags, an embedding, chunks and matches",
];
