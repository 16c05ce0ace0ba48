/**
 * The zod schemas the HTTP gateway's OpenAPI description is generated from: Jina's request models
 * (`JinaEndpointRequestModel` for `/post`, `JinaRequestModel` for CRUD and exposed routes), the response
 * (`JinaResponseModel {header, parameters, routes, data}`), documents (`PydanticDocument`, loosely: any other field
 * is allowed), statuses and `/status`.
 *
 * Request bodies are validated by `parseRequestBody` (http-body.ts) with the same schemas; only the documents inside
 * `data` are described here in more detail, because `DocumentArray.fromJSON` checks them.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { crudBodySchema, postBodySchema } from "./http-body.ts";

/** A zod schema that also accepts `null` and a missing value. */
type Nullish<T extends z.ZodType> = z.ZodOptional<z.ZodNullable<T>>;
/** {@link namedScoreSchema}'s type. */
type NamedScoreSchema = z.ZodObject<{ value: Nullish<z.ZodNumber>; op_name: Nullish<z.ZodString>; description: Nullish<z.ZodString>; ref_id: Nullish<z.ZodString> }, z.core.$loose>;
/** Nested documents (chunks, matches): loose objects. */
type NestedDocs = Nullish<z.ZodArray<z.ZodRecord<z.ZodString, z.ZodUnknown>>>;
/** {@link documentSchema}'s type. */
type DocumentSchema = z.ZodObject<
  {
    id: Nullish<z.ZodString>;
    parent_id: Nullish<z.ZodString>;
    granularity: Nullish<z.ZodNumber>;
    adjacency: Nullish<z.ZodNumber>;
    blob: Nullish<z.ZodString>;
    tensor: Nullish<z.ZodArray<z.ZodUnknown>>;
    mime_type: Nullish<z.ZodString>;
    text: Nullish<z.ZodString>;
    weight: Nullish<z.ZodNumber>;
    uri: Nullish<z.ZodString>;
    tags: Nullish<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
    offset: Nullish<z.ZodNumber>;
    location: Nullish<z.ZodArray<z.ZodNumber>>;
    embedding: Nullish<z.ZodArray<z.ZodUnknown>>;
    modality: Nullish<z.ZodString>;
    evaluations: Nullish<z.ZodRecord<z.ZodString, NamedScoreSchema>>;
    scores: Nullish<z.ZodRecord<z.ZodString, NamedScoreSchema>>;
    chunks: NestedDocs;
    matches: NestedDocs;
  },
  z.core.$loose
>;
/** The `data` of a request: a list of documents or `{ docs: [...] }`. */
type DataSchema = Nullish<z.ZodUnion<readonly [z.ZodArray<DocumentSchema>, z.ZodObject<{ docs: z.ZodArray<DocumentSchema> }, z.core.$strip>]>>;
/** A request body schema of http-body.ts with its `data` described in detail. */
type WithData<S extends z.ZodObject> = z.ZodObject<z.core.util.Extend<S["shape"], { data: DataSchema }>, z.core.$strict>;
/** {@link statusSchema}'s type. */
type StatusSchema = z.ZodObject<
  {
    code: z.ZodNumber;
    description: z.ZodString;
    exception: z.ZodOptional<z.ZodObject<{ name: z.ZodString; args: z.ZodArray<z.ZodString>; stacks: z.ZodArray<z.ZodString>; executor: z.ZodString }, z.core.$strip>>;
  },
  z.core.$strip
>;
/** One replica in `/status`. */
type ReplicaHealthSchema = z.ZodObject<{ address: z.ZodString; down: z.ZodBoolean }, z.core.$strip>;

const text = (description: string) => z.string().nullish().openapi({ description });
const number = (description: string) => z.number().nullish().openapi({ description });

/** A named score (`NamedScore`), snake_case as docarray writes it. */
const namedScoreSchema: NamedScoreSchema = z
  .object({
    value: z.number().nullish(),
    op_name: z.string().nullish(),
    description: z.string().nullish(),
    ref_id: z.string().nullish(),
  })
  .loose()
  .openapi("NamedScore");

/** Nested lists of numbers (a numpy array as `tolist()` gives it). */
const nestedNumbers = z.array(z.unknown()).nullish().openapi({ description: "Nested lists of numbers (an ndarray's tolist())" });
/** Documents nested in a document; described as objects of the same shape (kept shallow for the OpenAPI schema). */
const nestedDocs = (what: string): NestedDocs =>
  z.array(z.record(z.string(), z.unknown())).nullish().openapi({ description: `${what}: documents of the same shape` });

/**
 * Jina's document in JSON (docarray's `PydanticDocument`): snake_case keys, `null` for unset, `blob` in base64,
 * `tensor`/`embedding` as nested lists. Other fields are allowed (loose), as Jina's model ignores them.
 *
 * @example
 * ```ts
 * documentSchema.safeParse({ id: "a", text: "hello", tags: { lang: "en" } }).success; // true
 * ```
 */
export const documentSchema: DocumentSchema = z
  .object({
    id: text("32 hex characters unless given"),
    parent_id: text("The id of the document this one is a chunk of"),
    granularity: number("Depth in the chunk tree"),
    adjacency: number("Depth in the match tree"),
    blob: text("Binary content, base64"),
    tensor: nestedNumbers,
    mime_type: text("MIME type of the content"),
    text: text("Text content"),
    weight: number("Weight of the document"),
    uri: text("Where the content comes from"),
    tags: z.record(z.string(), z.unknown()).nullish().openapi({ description: "Any JSON object" }),
    offset: number("Offset in the parent"),
    location: z.array(z.number()).nullish(),
    embedding: nestedNumbers,
    modality: text("Modality of the content"),
    evaluations: z.record(z.string(), namedScoreSchema).nullish(),
    scores: z.record(z.string(), namedScoreSchema).nullish(),
    chunks: nestedDocs("Chunks"),
    matches: nestedDocs("Matches"),
  })
  .loose()
  .openapi("PydanticDocument");

const dataSchema: DataSchema = z
  .union([z.array(documentSchema), z.object({ docs: z.array(documentSchema) })])
  .nullish()
  .openapi({ description: 'The documents: a list, or an object {"docs": [...]}' });

/**
 * The body of `POST /post` (Jina's `JinaEndpointRequestModel`): `execEndpoint` (default "/"), `data`, `parameters`,
 * `targetExecutor`, each also in snake_case.
 *
 * @example
 * ```ts
 * createRoute({ method: "post", path: "/post", request: { body: { content: { "application/json": { schema: postRequestSchema } } } }, responses });
 * ```
 */
export const postRequestSchema: WithData<typeof postBodySchema> = postBodySchema
  .extend({ data: dataSchema })
  // What Swagger UI prefills: a valid request (its generated sample of the loose document schema is not).
  .openapi("JinaEndpointRequestModel", { example: { execEndpoint: "/", data: [{ text: "hello world" }], parameters: {} } });

/**
 * The body of the CRUD and exposed routes (Jina's `JinaRequestModel`): the `/post` body without the endpoint.
 *
 * @example
 * ```ts
 * createRoute({ method: "post", path: "/index", request: { body: { content: { "application/json": { schema: crudRequestSchema } } } }, responses });
 * ```
 */
export const crudRequestSchema: WithData<typeof crudBodySchema> = crudBodySchema
  .extend({ data: dataSchema })
  .openapi("JinaRequestModel", { example: { data: [{ text: "hello world" }], parameters: {} } });

const exceptionSchema = z
  .object({ name: z.string(), args: z.array(z.string()), stacks: z.array(z.string()), executor: z.string() })
  .openapi("ExceptionModel", { description: "The exception behind an error: its class name, arguments, stack and executor" });

/**
 * Jina's in-band status (`code` 0 SUCCESS, 1 ERROR), as `GET /dry_run` answers and `header.status` carries.
 *
 * @example
 * ```ts
 * statusSchema.parse({ code: 0, description: "" });
 * ```
 */
export const statusSchema: StatusSchema = z
  .object({
    code: z.number().int().openapi({ description: "0 SUCCESS, 1 ERROR" }),
    description: z.string(),
    exception: exceptionSchema.optional(),
  })
  .openapi("StatusModel");

const headerSchema: z.ZodObject<
  { requestId: z.ZodString; status: z.ZodOptional<StatusSchema>; execEndpoint: z.ZodOptional<z.ZodString>; targetExecutor: z.ZodOptional<z.ZodString> },
  z.core.$strip
> = z
  .object({
    requestId: z.string(),
    status: statusSchema.optional(),
    execEndpoint: z.string().optional(),
    targetExecutor: z.string().optional(),
  })
  .openapi("HeaderModel");

const routeSchema: z.ZodObject<
  { executor: z.ZodString; startTime: z.ZodOptional<z.ZodString>; endTime: z.ZodOptional<z.ZodString>; status: z.ZodOptional<StatusSchema> },
  z.core.$strip
> = z
  .object({
    executor: z.string(),
    startTime: z.string().optional().openapi({ description: "RFC 3339 timestamp" }),
    endTime: z.string().optional().openapi({ description: "RFC 3339 timestamp" }),
    status: statusSchema.optional(),
  })
  .openapi("RouteModel");

/**
 * Jina's response (`JinaResponseModel`): also the shape of every error answer, with `header.status.code` 1.
 *
 * @example
 * ```ts
 * responseSchema.parse(dataRequestToJSON(response));
 * ```
 */
export const responseSchema: z.ZodObject<
  {
    header: typeof headerSchema;
    parameters: z.ZodRecord<z.ZodString, z.ZodUnknown>;
    routes: z.ZodArray<typeof routeSchema>;
    data: z.ZodArray<DocumentSchema>;
  },
  z.core.$strip
> = z
  .object({
    header: headerSchema,
    parameters: z.record(z.string(), z.unknown()),
    routes: z.array(routeSchema),
    data: z.array(documentSchema),
  })
  .openapi("JinaResponseModel");

const replicaHealthSchema: ReplicaHealthSchema = z.object({ address: z.string(), down: z.boolean() });

/**
 * The answer of `GET /status`: versions (`jina`) and the `JINA_*` environment (`envs`).
 *
 * @example
 * ```ts
 * infoSchema.parse({ jina: { "jina-ts": "0.1.0" }, envs: {} });
 * ```
 */
export const infoSchema: z.ZodObject<
  {
    jina: z.ZodRecord<z.ZodString, z.ZodString>;
    envs: z.ZodRecord<z.ZodString, z.ZodNullable<z.ZodString>>;
    deployments: z.ZodOptional<
      z.ZodRecord<
        z.ZodString,
        z.ZodObject<
          { shards: z.ZodArray<z.ZodArray<ReplicaHealthSchema>>; usesBefore: z.ZodOptional<z.ZodArray<ReplicaHealthSchema>>; usesAfter: z.ZodOptional<z.ZodArray<ReplicaHealthSchema>> },
          z.core.$strip
        >
      >
    >;
  },
  z.core.$strip
> = z
  .object({
    jina: z.record(z.string(), z.string()),
    envs: z.record(z.string(), z.string().nullable()),
    /** jina-ts: every deployment's replicas by shard, and whether the gateway holds each down after a failure. */
    deployments: z.record(
      z.string(),
      z.object({ shards: z.array(z.array(replicaHealthSchema)), usesBefore: z.array(replicaHealthSchema).optional(), usesAfter: z.array(replicaHealthSchema).optional() }),
    ).optional(),
  })
  .openapi("JinaStatusModel");

/**
 * The answer of `GET /` (Jina's health check): an empty object.
 *
 * @example
 * ```ts
 * healthSchema.parse({});
 * ```
 */
export const healthSchema: z.ZodObject<{}, z.core.$strip> = z.object({}).openapi("JinaHealthModel");
