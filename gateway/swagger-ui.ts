/**
 * Swagger UI at `GET /docs`, served entirely by the gateway (no CDN): the HTML page, the CSS and JS of the installed
 * `swagger-ui-dist` package under `/docs/...` (read on first request, then kept in memory), and an initializer
 * pointing the UI at `/openapi.json`.
 *
 * @module
 */
import type { Hono } from "hono";
import { readPackageFile } from "../runtime/mod.ts";

/** The files of swagger-ui-dist the page uses, with their content types. */
const assets: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
  "favicon-16x16.png": "image/png",
};

/**
 * Options of {@link mountSwaggerUi}.
 *
 * @example
 * ```ts
 * const options: SwaggerUiOptions = { title: "My flow", openApiUrl: "/openapi.json" };
 * ```
 */
export interface SwaggerUiOptions {
  /** The page title (the API's title; " - Swagger UI" is appended). */
  title: string;
  /** Where the OpenAPI document is; default `/openapi.json`. */
  openApiUrl?: string;
}

/**
 * Adds `GET /docs` and its assets `GET /docs/<file>` to the app.
 *
 * @example
 * ```ts
 * mountSwaggerUi(app, { title: "The entrypoint of jina-ts" });
 * (await app.request("/docs")).headers.get("content-type"); // "text/html; charset=UTF-8"
 * ```
 */
export function mountSwaggerUi(app: Hono, options: SwaggerUiOptions): void {
  const openApiUrl = options.openApiUrl ?? "/openapi.json";
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  const page = swaggerHtml(options.title);
  const initializer = [
    "window.onload = function () {",
    "  window.ui = SwaggerUIBundle({",
    `    url: ${JSON.stringify(openApiUrl)},`,
    '    dom_id: "#swagger-ui",',
    "    deepLinking: true,",
    "    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],",
    '    layout: "BaseLayout",',
    "  });",
    "};",
    "",
  ].join("\n");

  app.get("/docs", (c) => c.html(page));
  app.get("/docs/swagger-initializer.js", (c) => c.body(initializer, 200, { "content-type": "text/javascript; charset=utf-8" }));
  for (const [file, type] of Object.entries(assets)) {
    app.get(`/docs/${file}`, async (c) => {
      let bytes = cache.get(file);
      if (!bytes) {
        bytes = readPackageFile("swagger-ui-dist", file);
        cache.set(file, bytes);
        bytes.catch(() => cache.delete(file)); // retry on the next request
      }
      return c.body(await bytes, 200, { "content-type": type, "cache-control": "public, max-age=86400" });
    });
  }
}

function swaggerHtml(title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>${escapeHtml(title)} - Swagger UI</title>
    <link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="/docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="/docs/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
