#!/usr/bin/env bash
# Creates N service instances against a running local stack, C at a time, and reports how fast the
# gateway answered 201 and how long until every one had succeeded.
# Usage: local/bench/create-burst.sh [N=500] [C=8] [PLAN=sync]   (needs curl and jq)
set -euo pipefail
N=${1:-500}; C=${2:-8}; PLAN_NAME=${3:-sync}; API=${API:-http://localhost:8080}
TOKEN=$(curl -s -u cf: -d grant_type=password -d username=admin -d password=admin "$API/oauth/token" | jq -r .access_token)
AUTH="Authorization: bearer $TOKEN"
SPACE=$(curl -s "$API/v2/spaces?q=name:local-space" -H "$AUTH" | jq -r '.resources[0].metadata.guid')
PLAN=$(curl -s "$API/v2/service_plans?q=name:$PLAN_NAME" -H "$AUTH" | jq -r '.resources[0].metadata.guid')
RUN=bench-$(date +%s)
OUT=$(mktemp -d)
export API AUTH SPACE PLAN RUN OUT
start=$(date +%s.%N)
seq 1 "$N" | xargs -P "$C" -I{} sh -c 'curl -s -o /dev/null -w "%{http_code} %{time_total}\n" -X POST "$API/v2/service_instances?accepts_incomplete=true" -H "$AUTH" -d "{\"name\": \"$RUN-{}\", \"space_guid\": \"$SPACE\", \"service_plan_guid\": \"$PLAN\"}"' > "$OUT/answers"
answered=$(date +%s.%N)
until [ "$(curl -s "$API/v2/service_instances?q=name%3E=$RUN&q=name%3C$RUN-z&results-per-page=1" -H "$AUTH" | jq .total_results)" = "$N" ] \
  && [ "$(curl -s "$API/v2/spaces/$SPACE/summary" -H "$AUTH" | jq --arg r "$RUN" '[.services[] | select(.name | startswith($r)) | select(.last_operation.state != "succeeded")] | length')" = "0" ]; do
  sleep 0.2
done
done_at=$(date +%s.%N)
awk -v n="$N" -v s="$start" -v a="$answered" -v d="$done_at" '
  { codes[$1]++; t[NR] = $2 }
  END {
    asort(t); printf "answers: "; for (c in codes) printf "%s x%d ", c, codes[c]; printf "\n";
    printf "201 latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", t[int(NR*0.5)]*1000, t[int(NR*0.99)]*1000, t[NR]*1000;
    printf "accepted %d creates in %.2f s (%.0f/s); all succeeded %.2f s after the first request\n", n, a-s, n/(a-s), d-s }' "$OUT/answers"
