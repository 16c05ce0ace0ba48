/**
 * `@requests`: the standard (TC39) method decorator that binds a method of an Executor to endpoints.
 *
 * @module
 */
import "./symbol-metadata.ts";
import { ErrorCode, JinaError } from "../proto/errors.ts";
import { checkEndpoints, recordBinding } from "./bindings.ts";
import { type AnyMethod, decoratedMethodName } from "./class-records.ts";
import { noteOriginOnClass } from "./class-origin.ts";

/**
 * The decorator `@requests(...)` returns.
 *
 * @example
 * ```ts
 * const onIndex: RequestsDecorator = requests("/index");
 * ```
 */
export type RequestsDecorator = (method: AnyMethod, context: ClassMethodDecoratorContext<never, AnyMethod>) => void;

function decorate(endpoints: string[], method: AnyMethod, context: ClassMethodDecoratorContext<never, AnyMethod>): void {
  recordBinding(context.metadata as object | undefined, method, decoratedMethodName(context, "@requests"), endpoints);
  noteOriginOnClass(context.metadata as object | undefined, method); // for flow.save(): uses as "./file.ts#Class"
}

/**
 * Binds the decorated method to endpoints: `@requests("/index")`, `@requests(["/a", "/b"])`, or `@requests()`
 * (also bare `@requests`) for `/default`, the fallback of every endpoint that is not bound. Handlers are inherited
 * by subclasses; a subclass may bind the same endpoint to another method. The method receives {@link HandlerArgs}.
 *
 * @example
 * ```ts
 * import { DocumentArray, Executor, requests } from "jina-ts";
 *
 * class Upper extends Executor {
 *   @requests("/index")
 *   upper({ docs }: { docs: DocumentArray }) {
 *     for (const doc of docs) doc.text = doc.text?.toUpperCase();
 *   }
 *
 *   @requests()
 *   count({ docs }: { docs: DocumentArray }) {
 *     return { count: docs.length };   // goes to parameters.__results__
 *   }
 * }
 * ```
 */
export function requests(on?: string | string[]): RequestsDecorator;
export function requests(method: AnyMethod, context: ClassMethodDecoratorContext<never, AnyMethod>): void;
export function requests(
  on?: string | string[] | AnyMethod,
  context?: ClassMethodDecoratorContext<never, AnyMethod>,
): RequestsDecorator | void {
  if (typeof on === "function") {
    if (!context) throw new JinaError("@requests: called with a function but no decorator context", ErrorCode.InvalidArgument);
    return decorate(checkEndpoints(undefined, "@requests"), on, context);
  }
  const endpoints = checkEndpoints(on, "@requests");
  return (method, ctx) => decorate(endpoints, method, ctx);
}
