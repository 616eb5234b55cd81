#!/usr/bin/env bash
# Memory benchmark (requirement 3): RSS of the wachsam process while 2,000 keep-alive
# connections are open, each having fetched the signed-in lesson page once. run.sh runs it twice:
#   MEMORY_PHASE=after-load on the server that has just run the other benchmarks (the
#   requirement), and MEMORY_PHASE=fresh on a newly started server process (same database).
# Run through bench/run.sh, which starts the server and exports BENCH_*.
#
# Prints RESULT lines: memory_rss_mb=… idle_rss_mb=… connections=… (phase=after-load|fresh)
set -euo pipefail
BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
require_bench_env

MEMORY_CONNS=${MEMORY_CONNS:-2000}
LESSON_PATH=${LESSON_PATH:-/courses/phishing-erkennen/lessons/was-ist-phishing}
out=$BENCH_OUT/memory
mkdir -p "$out"

# Each connection is a file descriptor on both ends (this script's client and the server).
want=$((MEMORY_CONNS * 2 + 1000))
if (($(ulimit -n) < want)); then
	ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
fi
(($(ulimit -n) >= MEMORY_CONNS + 100)) || die "ulimit -n is $(ulimit -n); $MEMORY_CONNS connections need more (raise the hard limit)"

cookie=""
[[ -f "$BENCH_WORK/learner-cookie" ]] && cookie=$(cat "$BENCH_WORK/learner-cookie")
path=$LESSON_PATH
[[ -n "$cookie" ]] || path=/healthz # lesson.sh did not run: no session to use

# measure PHASE PID: open the connections, sample VmRSS while they are held, release them.
measure() {
	local phase=$1 pid=$2 idle ready rss=0 r hwm fds threads
	idle=$(rss_kib "$pid")
	local fifo=$BENCH_WORK/holdconns.$phase.ctl
	rm -f "$fifo"
	mkfifo "$fifo"
	"$BENCH_WORK/holdconns" -addr "$BENCH_ADDR" -path "$path" -cookie "$cookie" -n "$MEMORY_CONNS" -hold 90s \
		<"$fifo" >"$out/holdconns.$phase.out" 2>"$out/holdconns.$phase.log" &
	local hold_pid=$!
	exec 7>"$fifo" # keeps holdconns waiting until we write a line
	for _ in $(seq 600); do
		grep -q '^READY' "$out/holdconns.$phase.out" 2>/dev/null && break
		kill -0 "$hold_pid" 2>/dev/null || break
		sleep 0.1
	done
	ready=$(grep '^READY' "$out/holdconns.$phase.out" || true)
	[[ -n "$ready" ]] || die "holdconns ($phase) did not get ready: $(cat "$out/holdconns.$phase.log" "$out/holdconns.$phase.out")"
	# Sample for a few seconds while the connections are held; keep the highest value.
	for _ in $(seq 10); do
		r=$(rss_kib "$pid")
		((r > rss)) && rss=$r
		sleep 0.3
	done
	hwm=$(rss_kib "$pid" VmHWM)
	if [[ -n "${BENCH_PPROF:-}" ]]; then
		curl -fsS -o "$BENCH_OUT/memory-$phase.heap.pprof" "$BENCH_PPROF/debug/pprof/heap" || true
		curl -fsS -o "$BENCH_OUT/memory-$phase.goroutines.txt" "$BENCH_PPROF/debug/pprof/goroutine?debug=1" || true
		curl -fsS "$BENCH_PPROF/debug/pprof/heap?debug=1" | sed -n '/^# runtime.MemStats/,$p' >"$BENCH_OUT/memory-$phase.memstats.txt" || true
	fi
	threads=$(awk '$1 == "Threads:" {print $2}' "/proc/$pid/status")
	fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
	local established
	established=$(ss -Htn state established "( sport = :${BENCH_ADDR##*:} )" | wc -l)
	echo >&7
	exec 7>&-
	wait "$hold_pid" || die "holdconns ($phase): $(cat "$out/holdconns.$phase.out")"
	rm -f "$fifo"
	local alive
	alive=$(sed -n 's/^RESULT .*conns_alive_at_end=\([0-9]*\).*/\1/p' "$out/holdconns.$phase.out")
	result memory_rss_mb="$(awk -v k="$rss" 'BEGIN {printf "%.1f", k / 1024}')" phase="$phase" \
		idle_rss_mb="$(awk -v k="$idle" 'BEGIN {printf "%.1f", k / 1024}')" \
		peak_rss_mb="$(awk -v k="$hwm" 'BEGIN {printf "%.1f", k / 1024}')" \
		connections="$MEMORY_CONNS" established="$established" alive_at_end="$alive" server_fds="$fds" threads="$threads" \
		request="${path%%\?*}"
}

MEMORY_PHASE=${MEMORY_PHASE:-after-load}
MEMORY_SETTLE=${MEMORY_SETTLE:-0} # seconds to wait (logging RSS) before opening the connections
for ((t = 0; t < MEMORY_SETTLE; t += 5)); do
	log "memory: settling, ${t}s: VmRSS $(($(rss_kib "$WACHSAM_PID") / 1024)) MB"
	sleep 5
done
log "memory: $MEMORY_CONNS keep-alive connections, $MEMORY_PHASE server (pid $WACHSAM_PID)"
measure "$MEMORY_PHASE" "$WACHSAM_PID"
