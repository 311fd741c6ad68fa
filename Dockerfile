# The shop's images, built from one workspace build:
#   runtime  every service, compiled once; SERVICE=cart|order|… chooses the one a container runs
#   migrate  a one-shot step: creates each service's database if missing and applies its migrations
#
#   docker build --target runtime -t shopbus .      docker run -e SERVICE=order shopbus
#   docker build --target migrate -t shopbus-migrate .
#
# Layers are ordered by how often they change: the dependencies (package-lock.json) first, the
# sources after, so an edit to a service rebuilds only the compile step and what follows.

FROM node:20-bookworm-slim AS deps
WORKDIR /repo
COPY package.json package-lock.json ./
# No install scripts here: the workspace's postinstall generates the Prisma clients from schemas
# that are copied only in the next stage, where they are generated explicitly.
RUN npm ci --ignore-scripts --no-audit --no-fund

# The prune drops optional dependencies too: npm keeps a dev dependency that is also an optional
# peer of a production one (the Prisma CLI, TypeScript, and what they pull in, ≈200 MB), and the
# only true optional dependency (pg-cloudflare) is for Cloudflare Workers.
FROM deps AS build
COPY . .
RUN npm run prisma:generate && npm run build \
  && npm prune --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /repo/package.json ./
COPY --from=build /repo/node_modules ./node_modules
COPY --from=build /repo/dist/shop ./
USER node
# The probe is bash's /dev/tcp, not a Node process: `node -e fetch(…)` took 0.43 s of CPU a probe
# on a 2-core machine (bash: 0.03 s), so the eight containers of the cluster profile, probed every
# 5 s, spent some 0.7 of a core on it, and while the three broker nodes started, containers whose
# /health answered ok stayed unhealthy.
HEALTHCHECK --interval=5s --timeout=10s --start-period=30s --retries=5 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/${PORT:-3000} && printf "GET /health HTTP/1.0\r\n\r\n" >&3 && head -n1 <&3 | grep -q " 200 "'
# exec, so that SIGTERM reaches Node and the service drains before it stops.
CMD ["sh", "-c", "test -f \"apps/$SERVICE/src/main.js\" || { echo \"SERVICE must name one of: $(ls apps | tr '\\n' ' ')\" >&2; exit 64; }; exec node \"apps/$SERVICE/src/main.js\""]

# Prisma's CLI and its migrate engine (wasm) live only here, not in the services' image. openssl
# is what Prisma probes for at start; without it every run warns, although the engine needs none.
FROM deps AS migrate
RUN apt-get update -q && apt-get install -y -q --no-install-recommends openssl \
  && rm -rf /var/lib/apt/lists/*
COPY tsconfig.base.json ./
COPY tools/shop ./tools/shop
COPY libs/service-manifest ./libs/service-manifest
COPY libs/persistence ./libs/persistence
COPY libs/messaging/outbox/prisma ./libs/messaging/outbox/prisma
COPY apps ./apps
USER node
CMD ["npm", "run", "--silent", "db:setup"]
