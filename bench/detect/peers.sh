#!/bin/bash
# Side-by-side replay, in ONE run on the same generated logs: Vigil (parseLine + the detection engine
# with the shipped scenarios, in-process), CrowdSec (Debian 1.4.6, file replay) and fail2ban-regex
# (Debian 1.0.2, + ban simulation). Uses the peer scripts in /work/shared/bench-peers unchanged.
#
#   bench/detect/peers.sh [WORKDIR]      (as root; after apt-get install -y crowdsec fail2ban time
#                                          and /work/shared/bench-peers/setup_crowdsec.sh)
#   env LINES=200000 NGINX_LINES=30000 STEPS="crowdsec fail2ban vigil"
#
# gen_logs.py writes LINES lines of each log; CrowdSec reads nginx at only ~250 lines/s here, so the
# nginx log is cut to its first NGINX_LINES lines and EVERY tool replays that same cut file.
set -euo pipefail
PEERS=${PEERS:-/work/shared/bench-peers}
WORK=${1:-/tmp/vigil-peers}
LINES=${LINES:-200000}
NGINX_LINES=${NGINX_LINES:-30000}
STEPS=${STEPS:-"crowdsec fail2ban vigil table"}
REPO=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$WORK/gen" "$WORK/logs" "$WORK/results"
if [ ! -s "$WORK/logs/sshd.log" ]; then
  python3 "$PEERS/gen_logs.py" --lines "$LINES" --out "$WORK/gen"
  cp "$WORK/gen/sshd.log" "$WORK/gen/"*.truth.json "$WORK/logs/"
  head -n "$NGINX_LINES" "$WORK/gen/nginx.log" > "$WORK/logs/nginx.log"
fi
echo "date $(date -u +%FT%TZ)  load $(cut -d' ' -f1-3 /proc/loadavg)  $(nproc) cores  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
wc -l "$WORK/logs/"*.log

for step in $STEPS; do
  echo "=== $step  (load $(cut -d' ' -f1-3 /proc/loadavg))"
  case $step in
    crowdsec)
      OUT=$WORK/results/crowdsec "$PEERS/run_crowdsec.sh" --label sshd "$WORK/logs/sshd.log" syslog
      OUT=$WORK/results/crowdsec-nginx "$PEERS/run_crowdsec.sh" --label nginx "$WORK/logs/nginx.log" nginx
      ;;
    fail2ban)
      RUNS=${F2B_RUNS:-1} OUT=$WORK/results/fail2ban LOGDIR=$WORK/logs "$PEERS/run_fail2ban.sh"
      ;;
    vigil)
      (cd "$REPO" && npx tsx bench/detect/peers-vigil.ts --logs "$WORK/logs" --out "$WORK/results/vigil")
      ;;
    table)
      (cd "$REPO" && npx tsx bench/detect/peers-table.ts "$WORK") | tee "$WORK/results/table.md"
      ;;
  esac
done
echo "=== done (load $(cut -d' ' -f1-3 /proc/loadavg))"
