/**
 * The JSON Schema of Flow YAML and Executor YAML, generated from the zod schemas that validate them.
 *
 * @module
 */
import { z } from "zod";
import { executorSchema, flowSchema } from "./schema.ts";

/**
 * JSON Schema (draft 2020-12) of a Flow YAML (`"flow"`) or an Executor YAML (`"executor"`), for editors
 * (`# yaml-language-server: $schema=flow.schema.json`).
 *
 * @example
 * ```ts
 * const schema = configJsonSchema("flow");
 * schema.title; // "jina-ts Flow YAML"
 * ```
 */
export function configJsonSchema(kind: "flow" | "executor"): Record<string, unknown> {
  return z.toJSONSchema(kind === "flow" ? flowSchema : executorSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
