#!/usr/bin/env bash
# Runs the test suite with the machine's clock moved, to prove no test depends on today's date.
#   scripts/test-moved-clock.sh               60 days ahead, then 29 February 2028 10:00 UTC
#   scripts/test-moved-clock.sh "+400d"       any libfaketime offset or "@YYYY-MM-DD hh:mm:ss" start
#   scripts/test-moved-clock.sh "+60d" packages/server   extra arguments go to vitest (a path filter)
# Needs Debian's `faketime` (apt-get install faketime). The clock keeps running from the moved start,
# so timeouts behave as usual. The build, lint and type check do not depend on the date: run them
# with `npm test` as usual.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "faketime is not installed: apt-get install faketime" >&2; exit 2; }

run() {
  local when="$1"
  shift
  echo "── vitest with the clock at ${when}"
  # Monotonic clocks stay real: timers and timeouts must not jump with the wall clock.
  FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "${when}" npx vitest run "$@"
}

if [ "$#" -gt 0 ]; then
  when="$1"
  shift
  run "${when}" "$@"
else
  run "+60d"
  run "@2028-02-29 10:00:00"
fi
