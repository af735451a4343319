#!/usr/bin/env bash
# Records docs/dashboard.png from a real run: the local run (packaged jar) on free ports, a Prometheus
# scraping its gateway and worker every 5 s, load.mjs for LOAD_SECONDS, then render.mjs over that window.
# Needs: ./mvnw -o package -pl local -am -DskipTests, the prometheus binary, node, npm install here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
load_seconds=${LOAD_SECONDS:-300}
work=$(mktemp -d)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export GATEWAY_PORT=$(port) WORKER_PORT=$(port) SAMPLE_BROKER_PORT=$(port) KAFKA_PORT=$(port) KAFKA_CONTROLLER_PORT=$(port)
export PROVISIONER_DATA_DIR=$work/data
prometheus_port=$(port)

java -Xmx1g -jar "$root/local/target/provisioner-local.jar" >"$work/run.log" 2>&1 &
run=$!
cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 5s}
scrape_configs:
  - job_name: provisioner
    metrics_path: /actuator/prometheus
    static_configs: [{targets: ['127.0.0.1:$GATEWAY_PORT', '127.0.0.1:$WORKER_PORT']}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address=127.0.0.1:$prometheus_port >"$work/prometheus.log" 2>&1 &
prom=$!
trap 'kill $run $prom 2>/dev/null; wait 2>/dev/null' EXIT

until curl -sf "http://127.0.0.1:$GATEWAY_PORT/actuator/health/readiness" >/dev/null; do
  kill -0 $run || { cat "$work/run.log"; exit 1; }
  sleep 1
done
start=$(date +%s)
GATEWAY_URL=http://127.0.0.1:$GATEWAY_PORT DURATION_SECONDS=$load_seconds node "$here/load.mjs"
sleep 30   # the last operations finish and are scraped
END=$(date +%s) RANGE_MINUTES=$(( ($(date +%s) - start + 90) / 60 )) \
  PROMETHEUS_URL=http://127.0.0.1:$prometheus_port node "$here/render.mjs" "${1:-$root/docs/dashboard.png}"
