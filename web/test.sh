#!/usr/bin/env bash
# The web app's tests: Vitest (the app's logic), then the browser tests (playwright-core driving Debian's Chromium
# against the built server). For each suite it prints a line in the format ../test.sh adds up:
#   "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T - <suite>"
# Needs the server and CLI built (../test.sh builds the solution first). Outside CI, a missing Node.js or Chromium
# skips with the reason shown; in CI (CI=true) both must be there.
set -uo pipefail
cd "$(dirname "$0")"

line() { # failed passed skipped suite
  local word=Passed
  [ "$1" -ne 0 ] && word=Failed
  echo "${word}!  - Failed: $1, Passed: $2, Skipped: $3, Total: $(($1 + $2 + $3)) - $4"
}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "${CI:-}" = "true" ]; then line 1 0 0 "web tests: Node.js/npm missing"; exit 1; fi
  echo "web tests skipped: Node.js 20.19+ and npm are not installed"
  line 0 0 2 "web tests (skipped: no Node.js)"
  exit 0
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || { line 1 0 0 "web: npm ci failed"; exit 1; }
fi

status=0
report=$(mktemp)
trap 'rm -f "$report"' EXIT
NO_COLOR=1 npx --no-install vitest run --reporter=default --reporter=json --outputFile.json="$report"
unit_status=$?
if [ -s "$report" ]; then
  read -r passed failed skipped < <(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(r.numPassedTests,r.numFailedTests,r.numPendingTests+r.numTodoTests)' "$report")
else
  passed=0 failed=1 skipped=0
fi
[ "$unit_status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
line "$failed" "$passed" "$skipped" "web unit tests (Vitest)"
[ "$unit_status" -ne 0 ] && status=1

e2e_log=$(mktemp)
node e2e/run.mjs 2>&1 | tee "$e2e_log"
e2e_status=${PIPESTATUS[0]}
summary=$(grep -E '^web-e2e: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$e2e_log" | tail -n 1)
rm -f "$e2e_log"
if [ -n "$summary" ]; then
  read -r passed failed skipped < <(echo "$summary" | sed -E 's/web-e2e: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/')
else
  passed=0 failed=1 skipped=0
fi
[ "$e2e_status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
line "$failed" "$passed" "$skipped" "web browser tests (Chromium)"
[ "$e2e_status" -ne 0 ] && status=1
exit "$status"
