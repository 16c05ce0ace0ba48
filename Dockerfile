# syntax=docker/dockerfile:1
# The jina-ts image: `jina-ts executor …` or `jina-ts gateway …` (written by `jina-ts export dockerfile`).
# Build: docker build -t <name>:<tag> .   Then export with JINA_TS_IMAGE=<name>:<tag> (or `image:` per deployment).
FROM node:20-alpine
RUN apk add --no-cache tini
WORKDIR /app
COPY package.json package-lock.json* ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm rebuild --no-audit --no-fund && npm run build && npm prune --omit=dev --no-audit --no-fund
RUN ln -s /app/dist/cli/main.js /usr/local/bin/jina-ts
RUN mkdir -p /workspace && chown -R node:node /workspace
ENV NODE_ENV=production \
    PATH=/app/node_modules/.bin:$PATH \
    JINA_TS_ROLE=executor \
    JINA_TS_PORT=8080
USER node
VOLUME ["/workspace"]
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD jina-ts ping "$JINA_TS_ROLE" "127.0.0.1:$JINA_TS_PORT" || exit 1
ENTRYPOINT ["/sbin/tini", "--", "jina-ts"]
CMD ["--help"]
