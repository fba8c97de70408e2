#!/usr/bin/env bash
# `make run`'s last stage: the reference service on a fresh SQLite file, fuzzed over 127.0.0.1.
set -euo pipefail
BIN=${BIN:-.venv/bin}
SPECS=${SPECS:-spec/connectors/openapi.yaml spec/census/openapi.yaml spec/supermetrics/openapi.yaml}
MAX_EXAMPLES=${MAX_EXAMPLES:-25}
SEED=${SEED:-20261123}

workdir=$(mktemp -d "${TMPDIR:-/tmp}/connectors-demo.XXXXXX")
export DATABASE_URL="sqlite:///$workdir/connectors.db"
# Fuzzing should exercise the API, not the rate limiter.
export CONNECTORS_RATE_LIMIT_PER_MINUTE=${CONNECTORS_RATE_LIMIT_PER_MINUTE:-1000000}
export CONNECTORS_SECRET_KEY_FILE="$workdir/secret.key"
port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log="$workdir/service.log"

created=$("$BIN/python" -m connectors_service keys create --org demo)
key=$(printf '%s\n' "$created" | tail -n 1)
# "organization demo (<id>, team <n>): key ...": the Supermetrics team_id of the key's own
# organization; any other team_id is 404, so every case pins it.
team=$(printf '%s\n' "$created" | sed -n 's/.*, team \([0-9][0-9]*\)).*/\1/p' | head -n 1)
if [ -z "$team" ]; then
  echo "could not read the demo organization's team number from: $created" >&2
  exit 2
fi
"$BIN/python" -m connectors_service serve --host 127.0.0.1 --port "$port" >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT

# Wait up to 30 s for the port to answer.
for _ in $(seq 1 150); do
  if "$BIN/python" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)))"; then
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "the service did not start; its log:" >&2
    cat "$log" >&2
    exit 2
  fi
  sleep 0.2
done

status=0
for spec in $SPECS; do
  echo "== fuzzing $spec against http://127.0.0.1:$port (seed $SEED)"
  # Fresh Idempotency-Keys, current ETags and the invariant checks come from
  # [tool.oaskit.fuzz] in pyproject.toml; the team id is this run's own.
  "$BIN/oaskit" fuzz --spec "$spec" --url "http://127.0.0.1:$port" --token "$key" \
    --parameter "team_id=$team" --max-examples "$MAX_EXAMPLES" --seed "$SEED" || status=$?
done
if grep -q '"status":500' "$log"; then
  echo "the service logged a 500 during the run" >&2
  status=1
fi
exit "$status"
