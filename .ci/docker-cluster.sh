#!/usr/bin/env bash
# The compose `cluster` profile for real (run by docker-compose.sh, the engine up and the images
# built): three RabbitMQ nodes that form one cluster as they start, two replicas of each service,
# every quorum queue on all three nodes and every endpoint with a consumer in each replica; the
# demo passing while the node the second replicas are connected to is killed under it; then the
# node back, its queue members online again, and each order's saga steps taken once.
set -euo pipefail
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-shopbus}-cluster"
compose() { docker compose --profile cluster "$@"; }
source .ci/compose-lib.sh
services=(cart order shipping notification)
replicas=("${services[@]/%/-2}")

trap 'status=$?; [ "$status" -eq 0 ] || compose logs --no-color --tail 30 || true; compose down -v --remove-orphans || true; exit "$status"' EXIT

# check_queues CONSUMERS ONLINE: every shop queue is a quorum queue with members on the three
# nodes, ONLINE of them running; every endpoint queue (neither a retry nor a dead-letter queue)
# has CONSUMERS consumers. Prints what differs; fails if anything does.
check_queues() {
  broker_ctl list_queues name type members online leader consumers --formatter json |
    node -e '
      const [consumers, online] = process.argv.slice(1).map(Number);
      const queues = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const wrong = queues.flatMap((q) => {
        const endpoint = !/\.retry\.|\.dlq$/.test(q.name);
        const problems = [];
        if (q.type !== "quorum") problems.push(`type ${q.type}`);
        if (q.members.length !== 3) problems.push(`${q.members.length} members`);
        if (q.online.length !== online) problems.push(`${q.online.length} online`);
        if (endpoint && q.consumers !== consumers) problems.push(`${q.consumers} consumers`);
        return problems.length ? [`${q.name}: ${problems.join(", ")}`] : [];
      });
      const endpoints = queues.filter((q) => !/\.retry\.|\.dlq$/.test(q.name)).length;
      if (wrong.length) { console.log(wrong.join("\n")); process.exit(1); }
      const leaders = {};
      for (const q of queues) leaders[q.leader] = (leaders[q.leader] ?? 0) + 1;
      console.log(`${queues.length} quorum queues on 3 nodes (${online} online); ${endpoints} endpoints with ${consumers} consumers each; leaders: ${JSON.stringify(leaders)}`);
    ' "$1" "$2"
}

# until_ok SECONDS COMMAND...: runs the command every 2 s until it succeeds, SECONDS at most.
until_ok() {
  local deadline=$(($(date +%s) + $1)) out
  shift
  out=$(mktemp)
  until "$@" > "$out" 2>&1; do
    if [ "$(date +%s)" -gt "$deadline" ]; then cat "$out"; rm -f "$out"; return 1; fi
    sleep 2
  done
  cat "$out"
  rm -f "$out"
}

t=$(date +%s)
compose up -d
wait_healthy rabbitmq-2 rabbitmq-3 "${services[@]}" "${replicas[@]}"
# The step that joins the quorum queues to nodes 2 and 3 must have run, and succeeded.
[ "$(docker wait "$(compose ps -q rabbitmq-cluster)")" -eq 0 ]
echo "the cluster shop (3 nodes, 8 service containers) was healthy $(seconds "$t") s after up"
broker_ctl cluster_status | sed -n '/Running Nodes/,/Versions/p'
check_queues 2 3

# The demo, with rabbitmq-2 killed once its first checkout was accepted: the queues it led elect
# new leaders, and the second replicas, connected there, move to rabbitmq-3 and go on.
demo_log=$(mktemp)
npm run demo:compose > "$demo_log" 2>&1 &
demo=$!
until grep -q 'checkout accepted' "$demo_log" || ! kill -0 "$demo" 2>/dev/null; do sleep 0.2; done
compose kill rabbitmq-2
killed=$(date +%s)
status=0
wait "$demo" || status=$?
cat "$demo_log"
[ "$status" -eq 0 ]
echo "the demo passed with rabbitmq-2 killed under it"
until_ok 60 check_queues 2 2
echo "every endpoint had its two consumers again $(seconds "$killed") s after the kill (at most)"
wait_healthy "${services[@]}" "${replicas[@]}"

compose start rabbitmq-2
wait_healthy rabbitmq-2
until_ok 60 check_queues 2 3
# Prometheus scrapes the second replicas and the three nodes as well, every one up again.
npm run compose:check-metrics -- --cluster

# Two replicas of the order saga, one set of steps per order: no status twice for one order.
duplicates=$(compose exec -T postgres psql -U postgres -d shop_order -Atc \
  'SELECT count(*) FROM (SELECT order_id, status FROM order_history GROUP BY 1, 2 HAVING count(*) > 1) AS twice')
orders=$(compose exec -T postgres psql -U postgres -d shop_order -Atc 'SELECT count(*) FROM "order"')
echo "$orders orders; $duplicates saga step(s) taken twice"
[ "$duplicates" -eq 0 ] && [ "$orders" -ge 2 ]
echo "the cluster profile passed in $(seconds "$t") s"
