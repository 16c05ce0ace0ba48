/**
 * A zod object that accepts each key in Jina's snake_case and in camelCase, refuses unknown keys (naming the
 * nearest known one), and gives its value in camelCase.
 *
 * @module
 */
import { z } from "zod";
import { camelKey, nearestKey, snakeKey } from "./keys.ts";

/** The camelCase value of an {@link aliasedObject} with shape `S`. */
export type AliasedValue<S extends z.ZodRawShape> = { [K in keyof S]?: z.output<S[K]> };

/**
 * The schema {@link aliasedObject} builds for shape `S`: a strict object of both spellings, piped into a transform
 * that gives {@link AliasedValue}.
 *
 * @example
 * ```ts
 * const timeouts: AliasedObject<{ timeoutSend: z.ZodNumber }> = aliasedObject({ timeoutSend: z.number() }, "timeouts");
 * ```
 */
export type AliasedObject<S extends z.ZodRawShape> = z.ZodPipe<
  z.ZodObject<Record<string, z.ZodType>, z.core.$strict>,
  z.ZodTransform<Awaited<AliasedValue<S>>, Record<string, unknown>>
>;

/** Extra spellings a key accepts beside its snake_case one (`pyModules` also as `py_modules`, …). */
export type KeyAliases = Record<string, string>;

/**
 * Builds the object schema: every key of `shape` (camelCase) is optional and accepted as `snake_case` too
 * (`usesWith` / `uses_with`); giving both spellings is an error; unknown keys are errors whose message names the
 * nearest known key (`replica` → `replicas`). The parsed value has the camelCase keys.
 *
 * @example
 * ```ts
 * const schema = aliasedObject({ timeoutSend: z.number() }, "a deployment");
 * schema.parse({ timeout_send: 5 }); // { timeoutSend: 5 }
 * schema.parse({ timeout_sned: 5 }); // throws: unknown key "timeout_sned" in a deployment (did you mean "timeout_send"?)
 * ```
 */
export function aliasedObject<S extends z.ZodRawShape>(shape: S, what: string, required: ReadonlyArray<keyof S & string> = []): AliasedObject<S> {
  const full: Record<string, z.ZodType> = {};
  const spellings = new Map<string, string>();
  for (const [key, schema] of Object.entries(shape) as [string, z.ZodType][]) {
    const snake = snakeKey(key);
    spellings.set(snake, key);
    spellings.set(key, key);
    full[snake] = required.includes(key) ? schema : schema.optional();
    if (snake !== key) full[key] = schema.optional().meta({ description: `camelCase spelling of ${snake}` });
  }
  const known = [...new Set([...Object.keys(shape).map(snakeKey)])];
  const strict = z.strictObject(full, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      return issue.keys
        .map((key) => {
          const near = nearestKey(key, known);
          return `unknown key "${key}" in ${what}${near ? ` (did you mean "${near}"?)` : `; known keys: ${known.join(", ")}`}`;
        })
        .join("; ");
    },
  });
  return strict.transform((value, ctx) => {
    const out: Record<string, unknown> = {};
    const from: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const camel = spellings.get(key) ?? camelKey(key);
      if (camel in out) {
        ctx.issues.push({ code: "custom", message: `"${from[camel]}" and "${key}" are the same option: give one`, input: value, path: [key] });
      }
      out[camel] = item;
      from[camel] = key;
    }
    return out as AliasedValue<S>;
  });
}
