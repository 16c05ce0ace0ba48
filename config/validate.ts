/**
 * Validates a parsed YAML value against a zod schema and turns zod's issues into errors that name
 * `file:line:col`, the key path, and what was expected.
 *
 * @module
 */
import type { z } from "zod";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { formatKeyPath, type KeyPath, type YamlSource } from "./source.ts";

type Issue = z.core.$ZodIssue;

/** Most issues listed in one error. */
const maxListed = 5;

function flatten(issues: readonly Issue[], base: KeyPath = []): { path: KeyPath; issue: Issue }[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...(issue.path as (string | number)[])];
    if (issue.code !== "invalid_union" || issue.errors.length === 0) return [{ path, issue }];
    // The branch whose type matched (no invalid_type at its own root) says what is wrong; else the first.
    const branch =
      issue.errors.find((errors) => !errors.some((inner) => inner.code === "invalid_type" && inner.path.length === 0)) ?? issue.errors[0]!;
    return flatten(branch, path);
  });
}

function describe(issue: Issue): string {
  const input = (issue as { input?: unknown }).input;
  const got = input === undefined ? "" : `, got ${JSON.stringify(input)?.slice(0, 80)}`;
  switch (issue.code) {
    case "invalid_type":
      return input === undefined ? `is required (${issue.expected})` : `must be ${article(issue.expected)}${got}`;
    case "invalid_value":
      return `must be ${issue.values.map((value) => JSON.stringify(value)).join(" or ")}${got}`;
    case "too_small":
      return `${issue.message.replace(/^Too small: expected (number|array|string) to (be|have) /, "must be ")}${got}`;
    case "too_big":
      return `${issue.message.replace(/^Too big: expected (number|array|string) to (be|have) /, "must be ")}${got}`;
    default:
      return `${issue.message}${issue.code === "invalid_format" ? got : ""}`;
  }
}

function article(type: string): string {
  return type === "int" ? "a whole number" : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * Parses `value` with `schema`; on failure throws one JinaError (InvalidArgument) listing up to five problems, each
 * as `file:line:col: key.path: what is wrong` (an unknown key points at the key and suggests the nearest one).
 *
 * @example
 * ```ts
 * const flow = validate(flowSchema, toPlainValue(source), source);
 * // throws: flow.yml:9:5: executors[0]: unknown key "replica" in a deployment (did you mean "replicas"?)
 * ```
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, source: YamlSource, base: KeyPath = []): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const lines = flatten(result.error.issues, base).map(({ path, issue }) => {
    if (issue.code === "unrecognized_keys") {
      const where = source.locate([...path, issue.keys[0]!], { key: true });
      return `${where}: ${formatKeyPath(path) || "top level"}: ${issue.message}`;
    }
    const key = formatKeyPath(path);
    return `${source.locate(path)}: ${key ? `${key} ` : ""}${describe(issue)}`;
  });
  const unique = [...new Set(lines)];
  const more = unique.length > maxListed ? `\n(and ${unique.length - maxListed} more)` : "";
  throw new JinaError(unique.slice(0, maxListed).join("\n") + more, ErrorCode.InvalidArgument);
}
