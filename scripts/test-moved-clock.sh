#!/usr/bin/env bash
# Runs the test suite with the machine's clock moved, to prove no test depends on today's date.
#   sudo scripts/test-moved-clock.sh                       60 days ahead, then 29 February 2028 10:00 UTC
#   sudo scripts/test-moved-clock.sh +400d                 any number of days ahead (or -Nd behind)
#   sudo scripts/test-moved-clock.sh 2028-02-29T10:00:00Z  any moment
#   sudo scripts/test-moved-clock.sh +60d packages/server  extra arguments go to vitest (a path filter)
#
# It sets the system clock (root, on a disposable machine or VM: everything on it sees the new date)
# and puts it back afterwards, also on Ctrl-C, from the time since boot, which `date -s` does not move.
# LD_PRELOAD tools such as faketime are not enough: the embedded ClickHouse (chDB) is linked
# statically and keeps reading the real clock, so Node.js and the event store would disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "moving the clock needs root (run it on a disposable machine)" >&2; exit 2; }

real0=$(date -u +%s.%N)
up0=$(cut -d' ' -f1 /proc/uptime)
restore() {
  local up
  up=$(cut -d' ' -f1 /proc/uptime)
  date -u -s "@$(awk -v r="$real0" -v a="$up0" -v b="$up" 'BEGIN { printf "%.3f", r + b - a }')" >/dev/null
  echo "── clock restored: $(date -u +%FT%TZ)"
}
trap restore EXIT

move_to() {
  local when="$1" target
  case "$when" in
    [+-]*d) target=$(awk -v r="$real0" -v a="$up0" -v b="$(cut -d' ' -f1 /proc/uptime)" -v d="${when%d}" \
      'BEGIN { printf "%.3f", r + b - a + d * 86400 }') ;;
    *) target=$(date -u -d "$when" +%s) ;;
  esac
  date -u -s "@${target}" >/dev/null
  echo "── vitest with the clock at $(date -u +%FT%TZ) (${when})"
}

status=0
if [ "$#" -gt 0 ]; then
  when="$1"
  shift
  move_to "$when"
  npx vitest run "$@" || status=$?
else
  for when in +60d 2028-02-29T10:00:00Z; do
    move_to "$when"
    npx vitest run || status=$?
    restore
  done
fi
exit "$status"
