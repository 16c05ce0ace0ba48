/**
 * Jina's `expose_endpoints` for the HTTP gateway: checks `GatewayOptions.exposeEndpoints` and resolves each entry
 * to the routes it adds (one per method), with Jina's defaults (path = the endpoint, methods `["POST"]`, tags
 * `["Customized"]`, summary `Endpoint <endpoint>`).
 *
 * @module
 */
import { ErrorCode, JinaError } from "../proto/errors.ts";
import type { ExposedEndpoint } from "./options.ts";

/**
 * One HTTP route of an exposed endpoint.
 *
 * @example
 * ```ts
 * const route: ExposedRoute = { endpoint: "/foo", path: "/foo", method: "POST", summary: "Endpoint /foo", tags: ["Customized"] };
 * ```
 */
export interface ExposedRoute {
  /** The executor endpoint the route runs. */
  endpoint: string;
  /** The HTTP path. */
  path: string;
  /** The HTTP method, upper case. */
  method: string;
  summary: string;
  description?: string;
  tags: string[];
}

/** The methods an exposed route may have. */
const allowedMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
/** A literal path: no parameters (`{id}`, `:id`), wildcards, query or spaces. */
const literalPath = /^\/[A-Za-z0-9\-._~/]*$/;
const knownFields = new Set(["path", "methods", "summary", "description", "tags"]);

/**
 * Checks `exposeEndpoints` and lists the routes it adds. Throws a JinaError (InvalidArgument) naming the endpoint
 * and the field that is wrong (an endpoint not starting with "/", a path that is not literal, an unknown method,
 * non-string summary/description/tags, unknown fields).
 *
 * @example
 * ```ts
 * resolveExposedRoutes({ "/foo": { path: "/bar", methods: ["get", "POST"] } });
 * // [{ endpoint: "/foo", path: "/bar", method: "GET", ... }, { endpoint: "/foo", path: "/bar", method: "POST", ... }]
 * ```
 */
export function resolveExposedRoutes(exposeEndpoints: Record<string, ExposedEndpoint> | undefined): ExposedRoute[] {
  if (exposeEndpoints === undefined) return [];
  if (typeof exposeEndpoints !== "object" || exposeEndpoints === null || Array.isArray(exposeEndpoints)) {
    throw invalid(`exposeEndpoints must be an object mapping executor endpoints to { path, methods, summary, description, tags }, got ${show(exposeEndpoints)}`);
  }
  const routes: ExposedRoute[] = [];
  for (const [endpoint, entry] of Object.entries(exposeEndpoints)) {
    const where = `exposeEndpoints[${JSON.stringify(endpoint)}]`;
    if (!endpoint.startsWith("/")) throw invalid(`${where}: the endpoint must start with "/", e.g. "/foo"`);
    const exposed: ExposedEndpoint = entry ?? {};
    if (typeof exposed !== "object" || Array.isArray(exposed)) {
      throw invalid(`${where} must be an object { path, methods, summary, description, tags }, got ${show(entry)}`);
    }
    const unknown = Object.keys(exposed).filter((key) => !knownFields.has(key));
    if (unknown.length) throw invalid(`${where} has unknown field(s) ${unknown.map((key) => JSON.stringify(key)).join(", ")} (allowed: ${[...knownFields].join(", ")})`);
    const path = exposed.path ?? endpoint;
    if (typeof path !== "string" || !literalPath.test(path)) {
      throw invalid(`${where}.path must be a literal HTTP path starting with "/" (letters, digits, "-._~/"), got ${show(exposed.path ?? endpoint)}`);
    }
    const methods = exposed.methods ?? ["POST"];
    if (!Array.isArray(methods) || methods.length === 0) {
      throw invalid(`${where}.methods must be a non-empty list of HTTP methods (${allowedMethods.join(", ")}), got ${show(methods)}`);
    }
    const upper = methods.map((method) => {
      const name = typeof method === "string" ? method.toUpperCase() : "";
      if (!allowedMethods.includes(name)) throw invalid(`${where}.methods: ${show(method)} is not one of ${allowedMethods.join(", ")}`);
      return name;
    });
    const summary = optionalString(exposed.summary, `${where}.summary`) ?? `Endpoint ${endpoint}`;
    const description = optionalString(exposed.description, `${where}.description`);
    const tags = exposed.tags ?? ["Customized"];
    if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== "string")) throw invalid(`${where}.tags must be a list of strings, got ${show(tags)}`);
    for (const method of new Set(upper)) {
      routes.push({ endpoint, path, method, summary, ...(description !== undefined ? { description } : {}), tags: [...tags] });
    }
  }
  return routes;
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalid(`${where} must be a string, got ${show(value)}`);
  return value;
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function invalid(message: string): JinaError {
  return new JinaError(message, ErrorCode.InvalidArgument);
}
