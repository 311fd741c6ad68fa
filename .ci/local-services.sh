#!/usr/bin/env bash
# Starts the machine's PostgreSQL and RabbitMQ if they are down, and waits until both answer.
set -euo pipefail
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! rabbitmqctl -q status >/dev/null 2>&1; then
  rabbitmq-server -detached
  for _ in $(seq 1 60); do rabbitmqctl -q status >/dev/null 2>&1 && break; sleep 1; done
fi
# Idempotent; also revives a node whose app was left stopped (e.g. by an interrupted restart test).
rabbitmqctl start_app
pg_isready -h 127.0.0.1 -p 5432
rabbitmqctl await_startup
