# Helpers of the Docker stages (sourced by docker-compose.sh and docker-cluster.sh). `compose`
# is the docker compose command of the calling script (with its profile, if any).

seconds() { local start=$1; echo $(($(date +%s) - start)); }

# wait_healthy SERVICE...: every named service's container healthy, 420 s at most in all (the cluster
# profile took 192 s on a slow 2-core machine).
wait_healthy() {
  local deadline=$(($(date +%s) + 420)) service status
  for service in "$@"; do
    while :; do
      status=$(docker inspect -f '{{.State.Health.Status}}' "$(compose ps -q "$service")" 2>/dev/null || echo missing)
      [ "$status" = healthy ] && break
      if [ "$(date +%s)" -gt "$deadline" ]; then
        echo "$service is $status after 420 s; its last probes, and what its health route answers:"
        docker inspect -f '{{range .State.Health.Log}}{{.ExitCode}} {{.Start}} {{.Output}}{{"\n"}}{{end}}' \
          "$(compose ps -q "$service")" || true
        compose exec -T "$service" node -e \
          "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>r.text()).then(console.log,console.error)" ||
          true
        return 1
      fi
      sleep 2
    done
  done
}

# broker_ctl ARGS...: rabbitmqctl on the first broker node.
broker_ctl() { compose exec -T rabbitmq rabbitmqctl -q "$@"; }

dead_letters() {
  broker_ctl list_queues name messages | awk -v q="$1" '$1 == q { print $2 }'
}
