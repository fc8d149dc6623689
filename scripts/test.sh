#!/usr/bin/env bash
# Runs the whole test suite — every xunit project, one after another, and the contracts' VeRT tests —
# after setting up what they need. Ends with one line of totals: "N passed, N failed[, N skipped]".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ "${1:-}" != "--no-setup" ]; then
  scripts/setup.sh || { echo "test: set-up failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
status=0

for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  printf '\n== %s\n' "$name" >&2
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
  if [ ! -f "$results/$name.trx" ]; then
    echo "test: $name produced no results" >&2
    echo "<Counters total=\"1\" executed=\"0\" passed=\"0\" failed=\"1\" />" >"$results/$name.missing.trx"
    status=1
  fi
done

npm_passed=0
npm_failed=0
if [ -f contracts/package.json ] && [ "${BOID_SETUP_SKIP_NODE:-}" != 1 ]; then
  printf '\n== contracts (npm test)\n' >&2
  (cd contracts && npm test) 2>&1 | tee "$results/contracts.log" >&2
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  npm_passed=$(grep -Eo '^ *[0-9]+ passing' "$results/contracts.log" | awk '{s+=$1} END {print s+0}')
  npm_failed=$(grep -Eo '^ *[0-9]+ failing' "$results/contracts.log" | awk '{s+=$1} END {print s+0}')
  if [ "$npm_passed" -eq 0 ] && [ "$npm_failed" -eq 0 ]; then npm_failed=1; status=1; fi
fi

# Totals from every TRX file's <Counters> element, plus the npm suite.
read -r passed failed skipped < <(
  grep -ho '<Counters [^>]*>' "$results"/*.trx | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/[^0-9]/, "", kv[2]);
        if (kv[1] == "passed") p += kv[2]; else if (kv[1] == "failed") f += kv[2];
        else if (kv[1] == "total") t += kv[2]; else if (kv[1] == "executed") e += kv[2]; } }
    END { print p + 0, f + 0, t - e }')
passed=$((passed + npm_passed))
failed=$((failed + npm_failed))
[ "$failed" -eq 0 ] || status=1

printf '\n'
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit $status
