# One image per service: docker build --build-arg SERVICE=order -t shopbus-order .
# Build stage: the same Nx build as on a workstation (prisma generate, then SWC into dist/).
# Runtime stage: production node_modules, the compiled service, its migrations; non-root.

FROM node:20-bookworm-slim AS build
ENV NX_DAEMON=false NX_NO_CLOUD=true CI=true
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ARG SERVICE
RUN test -n "$SERVICE" || (echo "--build-arg SERVICE=cart|order|shipping|notification is required" && exit 1)
RUN npx nx run "$SERVICE:build" --skip-nx-cache && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ARG SERVICE
ENV NODE_ENV=production SERVICE=$SERVICE
WORKDIR /app
COPY --from=build /repo/package.json ./
COPY --from=build /repo/node_modules ./node_modules
COPY --from=build /repo/dist/$SERVICE ./
# What `prisma migrate deploy` reads: the config, the schema folder (with its link to the shared
# outbox.prisma) and the migrations.
COPY --from=build /repo/apps/$SERVICE/prisma.config.ts ./apps/$SERVICE/
COPY --from=build /repo/apps/$SERVICE/prisma ./apps/$SERVICE/prisma
COPY --from=build /repo/libs/persistence/src ./libs/persistence/src
COPY --from=build /repo/libs/messaging/outbox/prisma ./libs/messaging/outbox/prisma
USER node
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Migrations first (idempotent), then the service; exec so that SIGTERM reaches Node.
CMD ["sh", "-c", "node node_modules/prisma/build/index.js migrate deploy --config apps/$SERVICE/prisma.config.ts && exec node apps/$SERVICE/src/main.js"]
