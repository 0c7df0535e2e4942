#!/usr/bin/env bash
# Runs the whole test suite and ends with one summary line: "tests: N passed, N failed, N skipped".
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter "FullyQualifiedName~Expressions"]
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build OpenClaw.sln -c Debug -warnaserror 2>&1 | tail -n 3
build_status=${PIPESTATUS[0]}
if [ "$build_status" -ne 0 ]; then
  echo "tests: 0 passed, 1 failed (the build failed)"
  exit 1
fi

# --blame-hang-timeout turns a hung test into a failure with a dump instead of a stuck CI run. 10 minutes: the scale-out
# chaos test (tests/OpenClaw.Deploy.Tests) alone takes 3 to 5 minutes on a busy 2-core machine.
dotnet test OpenClaw.sln --no-build -c Debug --blame-hang-timeout 10m "$@" 2>&1 | tee "$log"
test_status=${PIPESTATUS[0]}
# The web app's Vitest and browser tests print their counts in the same format (web/test.sh).
web/test.sh 2>&1 | tee -a "$log"
if [ "${PIPESTATUS[0]}" -ne 0 ]; then test_status=1; fi

# Each test assembly prints "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T"; add them up.
read -r passed failed skipped < <(grep -E '^(Passed|Failed)! +- Failed:' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$test_status"
