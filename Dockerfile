# csdl-hoi — production image.
#   docker build -t csdl-hoi .      (or: docker compose build; see docs/deployment.md)
# Stage 1 compiles TypeScript with the dev dependencies; stage 2 installs production dependencies only;
# the runtime image holds dist/, views/, public/, package files and production node_modules, runs as a
# non-root user, and never needs npm, a compiler or curl.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: npm ci (with dev dependencies) + tsc → dist/
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY seeds ./seeds
RUN npm run build

# ---- deps: production dependencies only (bootstrap is one: its dist/ is served from node_modules)
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime
FROM ${NODE_IMAGE} AS runtime
# pg_dump/pg_restore for the application's backups (R-20.1): their major version must be at least the server's
# (docker-compose.yml runs postgres:16), so they come from the PostgreSQL project's apt repository, whose key
# postgresql-common ships (no download tool needed for a known Debian release).
ARG PG_MAJOR=16
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-common ca-certificates \
 && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
 && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
# The project root is the folder with package.json: the app reads <root>/views, <root>/locales, <root>/public and
# <root>/node_modules/bootstrap/dist, <root>/docs/huong-dan and <root>/docs/guide-en. Code stays owned by root (read-only
# for the app user).
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY views ./views
# The interface's words in Vietnamese and English (issue 17 item 2).
COPY locales ./locales
COPY public ./public
# The in-app user guide (R-6.3) is rendered from these Markdown files.
COPY docs/huong-dan ./docs/huong-dan
COPY docs/guide-en ./docs/guide-en
# Writable places only: DATA_DIR (uploads; the embedded database if DATABASE_URL is unset) and backups.
# Created here so that fresh named volumes mounted on them start owned by the app user.
RUN mkdir -p /app/data/uploads /app/backups \
 && chown -R node:node /app/data /app/backups
USER node
EXPOSE 3000
# Liveness only (/healthz); docker-compose.yml checks readiness (/readyz: database and migrations).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself (graceful shutdown within 25 s). The old-generation heap is capped at
# 256 MB (as `npm start`): V8 otherwise lets garbage pile up to twice the live heap under load (SPEC §7: ≤ 300 MB).
CMD ["node", "--max-old-space-size=256", "dist/src/cli/start.js"]
