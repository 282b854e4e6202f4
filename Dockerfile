# Trackr API image, in three stages so that the runtime carries neither the compiler nor the Prisma
# CLI:
#   build      all dependencies; `npm run build` generates the Prisma client offline and compiles to dist/
#   prod-deps  production dependencies only
#   runtime    node + production node_modules + dist/ + prisma/migrations, run as the `node` user
# The app applies its own migrations (`node dist/src/main.js migrate`, and again at start-up), and
# Prisma 7 queries through the driver adapter, so the image needs no native Prisma engine.
# test/docker.test.ts checks this file against package.json, tsconfig and docker-compose.yml.
# Plain Dockerfile syntax (no `# syntax=` frontend to pull, no cache mounts): builds with BuildKit or
# the legacy builder; the layer cache keyed on package-lock.json spares re-downloads.

# Node 24, the current LTS line (Node 20 is past its end of life; 22 is in maintenance). The app
# still runs on 20.19+, so `--build-arg NODE_VERSION=22` (or 20) builds an older-runtime image.
ARG NODE_VERSION=24
FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

FROM base AS build
COPY package.json package-lock.json ./
# --ignore-scripts: nothing may depend on dependencies' install scripts. npm 11 (node:24's) skips
# them anyway, but the npm 10 bundled with node:22 and node:20 would run them, and @prisma/engines'
# postinstall downloads a native engine from outside the npm registry.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY src ./src
RUN npm run build

FROM base AS prod-deps
COPY package.json package-lock.json ./
# --omit=optional too: `prisma` and `typescript` are optional peers of @prisma/client, so the lockfile
# marks them "devOptional" and `--omit=dev` alone installs them (the Prisma CLI, Studio, engines and
# the TypeScript compiler: ~260 MB). The optional packages this also drops are not needed here
# (piscina's @napi-rs/nice, pg-cloudflare).
RUN npm ci --omit=dev --omit=optional --ignore-scripts

FROM base AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
# V8 on Node 24 sizes the young generation from the host's memory (up to 64 MB per semi-space on a
# large host, 16 MB on Node 20): ~100 MB more peak RSS under load for no measurable CPU gain here
# (bench/NOTES.md, "Memory on Node 24"). Node 20's size keeps a replica under 300 MB; override freely.
ENV NODE_OPTIONS=--max-semi-space-size=16
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json carries "type": "module", without which node would load dist/ as CommonJS.
COPY package.json ./
# Read relative to the working directory by src/db/migrate.ts.
COPY prisma/migrations ./prisma/migrations
# The code stays root-owned (read-only to the app). .data is where the embedded PGlite database lives
# when no DATABASE_URL is given (e.g. a bare `docker run`); mount a volume there to keep it.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 4000
# Slim images have no curl or wget: probe with node's fetch.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself, for a graceful shutdown.
CMD ["node", "dist/src/main.js"]
