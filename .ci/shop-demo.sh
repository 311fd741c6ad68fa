#!/usr/bin/env bash
# The README's "start the shop" and "watch it work": `npm start` in the background, `npm run
# demo` against it, then the shop stopped as Ctrl-C would (SIGTERM: handlers and relays drain).
set -euo pipefail
shop_log="$(mktemp)"
# A session of its own, so that stopping signals the whole shop (npm does not pass signals on to
# the services, and a background job here ignores SIGINT).
setsid npm start > "$shop_log" 2>&1 &
shop_pid=$!
stop_shop() {
  kill -TERM -- "-$shop_pid" 2>/dev/null || true
  for _ in $(seq 1 30); do
    pgrep -g "$shop_pid" > /dev/null || break
    sleep 1
  done
  kill -KILL -- "-$shop_pid" 2>/dev/null || true
}
trap stop_shop EXIT
if ! npm run demo; then
  echo "--- the shop's last log lines"
  tail -n 60 "$shop_log"
  exit 1
fi
stop_shop
trap - EXIT
echo "the shop stopped"
