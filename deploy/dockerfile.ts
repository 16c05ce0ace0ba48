/**
 * A Dockerfile for an image that runs `jina-ts executor|gateway` (`jina-ts export dockerfile`): a small base
 * (`node:20-alpine`), `tini` as PID 1 (forwards SIGTERM, reaps children; jina-ts itself closes cleanly on SIGTERM),
 * a non-root user, a `/workspace` volume, and a HEALTHCHECK with `jina-ts ping`. Exports name the image through
 * `JINA_TS_IMAGE` (or a deployment's `image`).
 *
 * @module
 */

/**
 * Options of {@link dockerfileText}.
 *
 * @example
 * ```ts
 * const options: DockerfileOptions = { baseImage: "node:20-slim" };
 * ```
 */
export interface DockerfileOptions {
  /** The base image (default `node:20-alpine`; use a Debian one such as `node:20-slim` for native addons). */
  baseImage?: string;
  /**
   * `"project"` (default): a project that depends on jina-ts, whose `node_modules/.bin/jina-ts` runs. `"jina-ts"`:
   * the jina-ts repository itself (the image `jina-ts:<version>`): built in the image (`dist/`, whose
   * `cli/main.js` is linked as `jina-ts`), the build's tools pruned after.
   */
  kind?: "project" | "jina-ts";
}

/**
 * The Dockerfile's text. Build with `docker build -t my-search:1 .`; the exports then use it with
 * `JINA_TS_IMAGE=my-search:1`. `docker run my-search:1 executor --uses ./encoder.ts#Encoder --host 0.0.0.0 --port 8080`.
 *
 * @example
 * ```ts
 * writeText("Dockerfile", dockerfileText());
 * ```
 */
export function dockerfileText(options: DockerfileOptions = {}): string {
  const base = options.baseImage ?? "node:20-alpine";
  const alpine = /alpine/.test(base);
  const tini = alpine ? "/sbin/tini" : "/usr/bin/tini";
  const installTini = alpine
    ? "RUN apk add --no-cache tini"
    : "RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*";
  const self = options.kind === "jina-ts";
  return [
    "# syntax=docker/dockerfile:1",
    `# ${self ? "The jina-ts image" : "An image of this jina-ts project"}: \`jina-ts executor …\` or \`jina-ts gateway …\` (written by \`jina-ts export dockerfile\`).`,
    "# Build: docker build -t <name>:<tag> .   Then export with JINA_TS_IMAGE=<name>:<tag> (or `image:` per deployment).",
    `FROM ${base}`,
    installTini,
    "WORKDIR /app",
    "COPY package.json package-lock.json* ./",
    ...(self
      ? [
        // every dependency (the build's tools too); the scripts (the build, `prepare`) once the sources are in
        "RUN npm ci --ignore-scripts --no-audit --no-fund",
        "COPY . .",
        // native addons' install scripts, dist/ (the bin is dist/cli/main.js), then only what runs is kept
        "RUN npm rebuild --no-audit --no-fund && npm run build && npm prune --omit=dev --no-audit --no-fund",
        "RUN ln -s /app/dist/cli/main.js /usr/local/bin/jina-ts",
      ]
      : ["RUN npm ci --omit=dev --no-audit --no-fund || npm install --omit=dev --no-audit --no-fund", "COPY . ."]),
    "RUN mkdir -p /workspace && chown -R node:node /workspace",
    "ENV NODE_ENV=production \\",
    "    PATH=/app/node_modules/.bin:$PATH \\",
    "    JINA_TS_ROLE=executor \\",
    "    JINA_TS_PORT=8080",
    "USER node",
    'VOLUME ["/workspace"]',
    "EXPOSE 8080",
    "STOPSIGNAL SIGTERM",
    "HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \\",
    '  CMD jina-ts ping "$JINA_TS_ROLE" "127.0.0.1:$JINA_TS_PORT" || exit 1',
    `ENTRYPOINT ["${tini}", "--", "jina-ts"]`,
    'CMD ["--help"]',
    "",
  ].join("\n");
}

/**
 * The `.dockerignore` beside it: what never belongs in the image (dependencies are installed inside, workspaces
 * are volumes, secrets stay out).
 *
 * @example
 * ```ts
 * writeText(".dockerignore", dockerignoreText());
 * ```
 */
export function dockerignoreText(): string {
  return ["node_modules", "dist", ".git", ".workspace", "workspace", "*.log", ".env", ".env.*", ""].join("\n");
}
