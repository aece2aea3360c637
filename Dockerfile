# The stresslab CLI: the image to run in CI (docker-compose.yml runs it beside the reference service,
# which has its own image, reference-service/Dockerfile).
#   docker build -t stresslab:local .
#   docker run --rm stresslab:local run light --profile quick      # against the embedded service
#   docker run --rm -v "$PWD/reports:/app/reports" stresslab:local run my-scenario.json --target http://host:8080

# Build: the TypeScript sources compiled to dist/ (`npm run build`, which `npm ci` runs as `prepare`).
FROM node:20-slim AS build
WORKDIR /app
# Dependencies first, so source edits do not invalidate the npm layer; no install scripts (the
# compiler needs none, and `prepare` would build before the sources are here).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY harness ./harness
COPY process-kit ./process-kit
COPY reference-service ./reference-service
RUN npm run build

# Run: runtime dependencies and what the npm package ships (package.json's "files"), no sources.
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# `prepare` builds from the sources, which this stage does not have (dist/ comes from the build
# stage); the dependencies' own install scripts (embedded PostgreSQL's libraries) must still run.
RUN npm pkg delete scripts.prepare && npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY scenarios ./scenarios
# Every bundled scenario's target is "embedded": the CLI starts the compiled reference service
# (dist/reference-service/main.js) as a child process, with its own PostgreSQL and these migrations.
COPY reference-service/db/migrations ./reference-service/db/migrations

# Baselines and reports are mounted from the host by docker-compose.yml; empty directories owned by
# the non-root user make a named volume mounted there writable too.
RUN mkdir -p reports baselines && chown node:node reports baselines
USER node

ENTRYPOINT ["node", "bin/stresslab.mjs"]
CMD ["--help"]
