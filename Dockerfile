# syntax=docker/dockerfile:1
# briefgraph: compiled JavaScript on Node 20, as a non-root user. Build: docker build -t briefgraph .
# Run: docker run -p 4000:4000 -e DATABASE_URL=postgres://… briefgraph
# (without DATABASE_URL the embedded database keeps its files in the /data volume).

# Stage 1: compile src/ and migrations/ to dist/ with the dev dependencies (TypeScript).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# Stage 2: the runtime dependencies only.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Stage 3: what runs. No compiler, no dev dependencies, no sources; owned by root, run as node.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The embedded database's directory belongs to the unprivileged user (mode 0700, see README).
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME ["/data"]
EXPOSE 4000
# METRICS_PORT is off by default; when set, publish it only to the Prometheus network.
# Node as PID 1 receives SIGTERM directly: the server drains within SHUTDOWN_TIMEOUT_MS.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--heap-growing-percent=100", "dist/src/server.js"]
