#!/usr/bin/env bash
# The README's Docker path, for real: the engine (installed and started by the shared
# docker-local setup, idempotent), `npm run compose:setup` (secrets in .env, broker users, TLS
# certificates), `docker compose up --build`, every healthcheck, `npm run demo:compose` against
# the containers (over TLS, as the broker's administrator), Prometheus asked whether it scrapes,
# evaluates and answers (`npm run compose:check-metrics`), then `down` + `up` without -v must
# keep a dead-lettered message; then the `cluster` profile (docker-cluster.sh), and finally
# `down -v` and the engine stopped again.
set -euo pipefail
setup="../shared/tools/docker-local/setup.sh"

# The machine's own RabbitMQ and Postgres hold 5672 and 5432: publish everything elsewhere
# (docker-compose.yml and the demo read the same variables).
export COMPOSE_PROJECT_NAME=shopbus-ci
export RABBITMQ_PORT=20671 RABBITMQ_MANAGEMENT_PORT=20673 POSTGRES_PORT=20432
export CART_PORT=20001 ORDER_PORT=20002 SHIPPING_PORT=20003 NOTIFICATION_PORT=20004
export PROMETHEUS_PORT=20090
services=(cart order shipping notification)

made_env=""
[ -f .env ] || made_env=yes

compose() { docker compose "$@"; }
source .ci/compose-lib.sh

t=$(date +%s)
bash "$setup"
echo "docker engine ready in $(seconds "$t") s"

finish() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "--- the containers' last log lines"
    docker compose logs --no-color --tail 30 || true
  fi
  docker compose down -v --remove-orphans || true
  if [ -n "$made_env" ]; then rm -f .env; fi
  bash "$setup" stop || true
  exit "$status"
}
trap finish EXIT

# A fresh clone has no .env: fresh secrets, broker users and certificates for this run (a .env
# this script made is removed again at the end; one that was there is kept).
npm run compose:setup

t=$(date +%s)
docker compose build
echo "images built in $(seconds "$t") s"
docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^shopbus' || true

t=$(date +%s)
docker compose up -d
wait_healthy "${services[@]}"
echo "the shop was healthy $(seconds "$t") s after up"

npm run demo:compose
# Prometheus: the alert rules loaded, every target up, the dashboard's queries answered, and the
# demo's dead letter firing its alert.
npm run compose:check-metrics

# The demo leaves one message in order.fulfilment.dlq (see the README): it must survive the
# containers being removed and created again, volumes kept. The order service gives it up a few
# seconds after the demo's last step (its own redeliveries): wait for it, a minute at most.
for _ in $(seq 1 60); do
  [ "$(dead_letters order.fulfilment.dlq)" -ge 1 ] 2>/dev/null && break
  sleep 1
done
before=$(dead_letters order.fulfilment.dlq)
echo "order.fulfilment.dlq holds ${before:-nothing} before down/up"
[ "${before:-0}" -ge 1 ]
docker compose down
docker compose up -d
wait_healthy "${services[@]}"
after=$(dead_letters order.fulfilment.dlq)
echo "order.fulfilment.dlq holds ${after:-nothing} after down/up"
[ "${after:-0}" -eq "$before" ]

# The one-node shop goes (its volumes too), and the cluster profile comes up in a project of its own.
docker compose down -v --remove-orphans
bash .ci/docker-cluster.sh
