# The stresslab CLI. The reference service has its own image (reference-service/Dockerfile);
# docker-compose.yml runs the two side by side.
#   docker build -t stresslab:local .
#   docker run --rm stresslab:local run light --profile quick      # against the embedded service
FROM node:20-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so source edits do not invalidate the npm layer. Runtime dependencies only:
# tsx (bin/stresslab.mjs registers it) and uPlot (inlined into the HTML reports) are `dependencies`.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY harness ./harness
COPY process-kit ./process-kit
COPY scenarios ./scenarios
# Every bundled scenario's target is "embedded": the CLI starts reference-service/main.ts as a child
# process (with its own PostgreSQL) unless --target names another system.
COPY reference-service ./reference-service

# Baselines and reports are mounted from the host by docker-compose.yml; empty directories owned by
# the non-root user make a named volume mounted there writable too.
RUN mkdir -p reports baselines && chown node:node reports baselines
USER node

ENTRYPOINT ["node", "--max-semi-space-size=32", "bin/stresslab.mjs"]
CMD ["--help"]
