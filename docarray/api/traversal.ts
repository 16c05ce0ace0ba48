/**
 * DocArray traversal paths: `@r` (the documents), `@c` (their chunks), `@m` (their matches), `@cm` (the matches
 * of the chunks), `@cc`, …, a slice per step (`@r[:3]`, `@c[1]`, `@m[-2:]`), and unions with commas (`@r,c`).
 *
 * @module
 */
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import type { DocumentProto } from "../../proto/gen/docarray_pb.ts";

interface Step {
  field: "r" | "c" | "m";
  start: number | undefined;
  end: number | undefined;
  single: boolean;
}

const stepPattern = /([rcm])(?:\[(-?\d*)(?::(-?\d*))?\])?/y;

function parsePath(path: string): Step[] {
  const steps: Step[] = [];
  stepPattern.lastIndex = 0;
  while (stepPattern.lastIndex < path.length) {
    const at = stepPattern.lastIndex;
    const match = stepPattern.exec(path);
    if (!match || match.index !== at) {
      throw new JinaError(`traversal path "@${path}": cannot read "${path.slice(at)}"; use r, c, m with an optional [i] or [start:end] each, e.g. "@r[:3]", "@cm"`, ErrorCode.InvalidArgument);
    }
    const [, field, a, b] = match;
    const hasSlice = match[0].includes("[");
    const single = hasSlice && !match[0].includes(":");
    const number = (text: string | undefined) => (text === undefined || text === "" ? undefined : Number(text));
    steps.push({ field: field as Step["field"], start: number(a), end: single ? (number(a) === -1 ? undefined : (number(a) as number) + 1) : number(b), single });
  }
  return steps;
}

function sliceOf(list: DocumentProto[], step: Step): DocumentProto[] {
  if (step.start === undefined && step.end === undefined) return list;
  return list.slice(step.start, step.end);
}

/**
 * The documents a traversal path reaches, flattened, in order (no copies: the messages themselves).
 *
 * @example
 * ```ts
 * traverseFlat(docs.protos, "@c"); // every chunk of every document
 * traverseFlat(docs.protos, "@r[:2],m"); // the first two documents, then every document's matches
 * ```
 */
export function traverseFlat(roots: DocumentProto[], path: string): DocumentProto[] {
  if (!path.startsWith("@")) throw new JinaError(`traversal path ${JSON.stringify(path)} must start with @ (e.g. "@r", "@c", "@cm")`, ErrorCode.InvalidArgument);
  const out: DocumentProto[] = [];
  for (const part of path.slice(1).split(",")) {
    const steps = parsePath(part.trim());
    let level = roots;
    for (const [i, step] of steps.entries()) {
      if (step.field === "r") {
        if (i !== 0) throw new JinaError(`traversal path "${path}": r can only come first`, ErrorCode.InvalidArgument);
        level = sliceOf(level, step);
        continue;
      }
      level = level.flatMap((doc) => sliceOf(step.field === "c" ? doc.chunks : doc.matches, step));
    }
    out.push(...level);
  }
  return out;
}
