#!/usr/bin/env bash
# The service generator, proven: a throwaway service is generated, linted, type-checked, tested
# and started (its database created and migrated, /health answering), then removed again with
# everything the generator changed.
set -euo pipefail
name=ci-probe
port=3099
cleanup() {
  rm -rf "apps/$name"
  git checkout -q -- docker-compose.yml .env.example deploy/k8s
  rm -f "deploy/k8s/$name.yaml"
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS shop_${name//-/_} WITH (FORCE)" || true
}
trap cleanup EXIT
npx nx g @shopbus/tools:service "$name" --port "$port"
npm run deploy:check
npx nx run-many -t lint,typecheck,test -p "$name" --outputStyle=stream
npm run db:setup -- "$name"
log="$(mktemp)"
# /health is an operator route; opened to anyone here, as a probe would have it configured.
PUBLIC_ROUTES=health SWC_NODE_PROJECT="apps/$name/tsconfig.json" \
  node -r @swc-node/register "apps/$name/src/main.ts" > "$log" 2>&1 &
pid=$!
healthy=""
for _ in $(seq 1 60); do
  if curl -sf "http://127.0.0.1:$port/health" > /dev/null; then healthy=yes; break; fi
  sleep 1
done
kill -TERM "$pid"
wait "$pid" || true
if [ -z "$healthy" ]; then
  echo "the generated service did not become healthy:"
  tail -n 40 "$log"
  exit 1
fi
echo "the generated service $name started and answered /health"
