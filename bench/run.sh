#!/usr/bin/env bash
# Wachsam performance benchmarks (issue "Learner experience", performance section).
#
#   bash bench/run.sh                  # everything: lesson, submit, memory (about 3 minutes)
#   bash bench/run.sh lesson memory    # only some parts
#
# Builds the binaries into bench/.out/ (ignored by git), creates a throwaway PostgreSQL database,
# starts wachsam against it on a free port, creates a municipality and a learner with the CLI,
# runs the parts, prints a results table with the ratios against the same-run baselines (nginx
# for the lesson page, pgbench for submissions) and removes everything again on exit. Results and
# raw outputs (wrk reports, logs, profiles) stay in bench/results/<timestamp>/ (ignored by git).
#
# Environment (all optional):
#   PGHOST, PGPORT, PGUSER   PostgreSQL server (default 127.0.0.1, 5432, postgres; needs the
#                            right to create databases)
#   DURATION=20s CONNECTIONS=64 THREADS=$(nproc)   wrk settings of the lesson benchmark
#   MULTI_LEARNERS=500       learners of the many-learners lesson run (0 = skip)
#   SUBMIT_N=2000 SUBMIT_CONCURRENCY=32 PGBENCH_CLIENTS=32 PGBENCH_TIME=15 PGBENCH_SCALE=10
#   MEMORY_CONNS=2000        keep-alive connections of the memory benchmark
#   MEMORY_FRESH=1           also measure memory on a freshly started process (0 = skip)
#   DSN_PARAMS=              extra query parameters for WACHSAM_DATABASE_URL, e.g.
#                            default_query_exec_mode=simple_protocol (to compare driver settings)
#   SERVER_ENV=              extra environment for the server process only, e.g.
#                            "GOMEMLIMIT=100MiB" (to compare runtime settings)
#   PROFILE=1                run bench/cmd/wachsam-pprof instead of cmd/wachsam and save CPU and
#                            heap profiles next to the results (slightly slower server)
#   KEEP=1                   keep the scratch directory and database (for inspection)
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
export BENCH_DIR
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

parts=("$@")
((${#parts[@]})) || parts=(lesson submit memory)
for p in "${parts[@]}"; do
	[[ $p == lesson || $p == submit || $p == memory ]] || die "unknown part $p (use lesson, submit, memory)"
done

for tool in go wrk nginx pgbench psql createdb dropdb curl ss; do
	command -v "$tool" >/dev/null || die "$tool is not installed (PostgreSQL client tools: /usr/lib/postgresql/*/bin)"
done
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
psql_q postgres "SELECT 1" >/dev/null || die "cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER"

# Enough file descriptors for 2,000 connections on both ends (the server inherits this).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

stamp=$(date +%Y%m%d-%H%M%S)
export BENCH_OUT=$BENCH_DIR/results/$stamp
export BENCH_RESULTS=$BENCH_OUT/results.txt
export BENCH_WORK
BENCH_WORK=$(mktemp -d /tmp/wachsam-bench.XXXXXX)
mkdir -p "$BENCH_OUT"
: >"$BENCH_RESULTS"
: >"$BENCH_WORK/databases"

WACHSAM_PID=
cleanup() {
	local rc=$?
	set +e
	[[ -n "${WACHSAM_PID:-}" ]] && kill "$WACHSAM_PID" 2>/dev/null && wait "$WACHSAM_PID" 2>/dev/null
	[[ -f "$BENCH_WORK/nginx.pid" ]] && kill "$(cat "$BENCH_WORK/nginx.pid")" 2>/dev/null
	if [[ -z "${KEEP:-}" ]]; then
		while read -r db; do
			[[ -n "$db" ]] && dropdb --if-exists --force "$db" 2>/dev/null
		done <"$BENCH_WORK/databases"
		rm -rf "$BENCH_WORK"
	else
		log "KEEP=1: kept $BENCH_WORK and the databases $(tr '\n' ' ' <"$BENCH_WORK/databases")"
	fi
	if ((rc != 0)); then log "failed (exit $rc); outputs are in $BENCH_OUT"; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Build.
bin=$BENCH_DIR/.out
mkdir -p "$bin"
log "building into $bin"
(
	cd "$ROOT"
	go build -o "$bin/wachsam" ./cmd/wachsam
	go build -o "$bin/submitload" ./bench/cmd/submitload
	go build -o "$bin/holdconns" ./bench/cmd/holdconns
	if [[ -n "${PROFILE:-}" ]]; then go build -o "$bin/wachsam-pprof" ./bench/cmd/wachsam-pprof; fi
)
cp "$bin/submitload" "$bin/holdconns" "$BENCH_WORK/"
export BENCH_BIN=$bin/wachsam
SERVER_BIN=$BENCH_BIN
if [[ -n "${PROFILE:-}" ]]; then
	SERVER_BIN=$bin/wachsam-pprof
	export WACHSAM_BENCH_PPROF_ADDR=127.0.0.1:$(free_port)
	export BENCH_PPROF=http://$WACHSAM_BENCH_PPROF_ADDR
fi

# --- Database and server configuration.
export BENCH_DB=wachsam_bench_$$
echo "$BENCH_DB" >>"$BENCH_WORK/databases"
createdb "$BENCH_DB"
export BENCH_DSN="postgres://$PGUSER@$PGHOST:$PGPORT/$BENCH_DB?sslmode=disable"
PORT=$(free_port)
export BENCH_ADDR=127.0.0.1:$PORT BENCH_BASE=http://127.0.0.1:$PORT
export WACHSAM_DATABASE_URL=$BENCH_DSN${DSN_PARAMS:+&$DSN_PARAMS}
WACHSAM_TOKEN_KEY=$("$BENCH_BIN" token-key)
export WACHSAM_TOKEN_KEY
export WACHSAM_ADDR=$BENCH_ADDR WACHSAM_BASE_URL=$BENCH_BASE WACHSAM_DATA_DIR=$BENCH_WORK/data
export WACHSAM_LOG_LEVEL=warn WACHSAM_ACCESS_TOKEN_TTL=1h
export WACHSAM_LOGIN_LIMIT_PER_IP=100000 WACHSAM_LOGIN_LIMIT_PER_ACCOUNT=100000
export BENCH_TENANT=bench BENCH_LEARNER_EMAIL=learner@bench.example BENCH_PASSWORD=bench-password-0

start_wachsam() {
	# shellcheck disable=SC2086 # SERVER_ENV is a list of NAME=VALUE words
	env ${SERVER_ENV:-} "$SERVER_BIN" serve >>"$BENCH_OUT/wachsam.log" 2>&1 &
	WACHSAM_PID=$!
	export WACHSAM_PID
	wait_http "$BENCH_BASE/readyz" 60 || die "wachsam did not become ready (see $BENCH_OUT/wachsam.log)"
}

# --- Machine and versions, for the record.
{
	echo "date: $(date -Is)"
	echo "git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
	echo "cpu: $(nproc) × $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
	echo "kernel: $(uname -r)"
	echo "go: $(go version | awk '{print $3}')"
	echo "postgres: $(psql_q postgres 'SHOW server_version') (fsync=$(psql_q postgres 'SHOW fsync'), synchronous_commit=$(psql_q postgres 'SHOW synchronous_commit'), max_connections=$(psql_q postgres 'SHOW max_connections'))"
	echo "nginx: $(nginx -v 2>&1 | sed 's/.*\///')  wrk: $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
	echo "server: ${SERVER_BIN#"$ROOT"/}${DSN_PARAMS:+, DSN_PARAMS=$DSN_PARAMS}${SERVER_ENV:+, SERVER_ENV=$SERVER_ENV}"
} | tee "$BENCH_OUT/machine.txt" >&2

log "starting wachsam on $BENCH_ADDR (database $BENCH_DB)"
start_wachsam
"$BENCH_BIN" tenant create --slug "$BENCH_TENANT" --name "Benchmark-Kommune" >/dev/null
printf '%s\n' "$BENCH_PASSWORD" | "$BENCH_BIN" user create --tenant "$BENCH_TENANT" --email "$BENCH_LEARNER_EMAIL" \
	--name "Lea Lernende" --role learner --password-stdin >/dev/null

# profile NAME SECONDS: with PROFILE=1, fetch a CPU profile of the server in the background.
profile() {
	[[ -n "${BENCH_PPROF:-}" ]] || return 0
	curl -fsS -o "$BENCH_OUT/$1.cpu.pprof" "$BENCH_PPROF/debug/pprof/profile?seconds=$2" &
}
export -f profile

t_start=$(date +%s)
for part in "${parts[@]}"; do
	case $part in
	lesson) bash "$BENCH_DIR/lesson.sh" ;;
	submit) bash "$BENCH_DIR/submit.sh" ;;
	memory)
		MEMORY_PHASE=after-load bash "$BENCH_DIR/memory.sh"
		if [[ ${MEMORY_FRESH:-1} == 1 ]]; then
			log "memory: restarting wachsam for a fresh process"
			kill "$WACHSAM_PID"
			wait "$WACHSAM_PID" 2>/dev/null || true
			start_wachsam
			sleep 2
			MEMORY_PHASE=fresh bash "$BENCH_DIR/memory.sh"
		fi
		;;
	esac
done


# --- Results table.
# field LINEKEY KEY: KEY from the RESULT line that starts with LINEKEY=.
field() { awk -v lk="$1=" -v k="$2" '$2 ~ "^" lk { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) { print kv[2]; exit } } }' "$BENCH_RESULTS"; }
# field_where LINEKEY KEY SELKEY SELVAL: like field, on the line whose SELKEY is SELVAL.
field_where() {
	awk -v lk="$1=" -v k="$2" -v sk="$3" -v sv="$4" '$2 ~ "^" lk {
		m = 0; v = ""
		for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == sk && kv[2] == sv) m = 1; if (kv[1] == k) v = kv[2] }
		if (m) { print v; exit } }' "$BENCH_RESULTS"
}
# int N / dec N: numbers for the table.
int() { awk -v v="$1" 'BEGIN { if (v == "") print "?"; else printf "%.0f", v }'; }
dec() { awk -v v="$1" 'BEGIN { if (v == "") print "?"; else printf "%.3f", v }'; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { if (v == "") { print "n/a"; exit }
	ok = (op == ">=") ? (v + 0 >= t) : (v + 0 < t); print ok ? "PASS" : "MISS" }'; }
row() { printf '| %s | %s | %s | %s |\n' "$@"; }

{
	echo
	echo "Results"
	sed 's/^/    /' "$BENCH_OUT/machine.txt"
	echo
	row "Measure" "Result" "Target" "Verdict"
	row "---" "---" "---" "---"
	if grep -q lesson_rps_ratio "$BENCH_RESULTS"; then
		r=$(field lesson_rps_ratio lesson_rps_ratio)
		row "Lesson page rps ÷ nginx static (1 learner)" "$(dec "$r")× ($(int "$(field lesson_rps_ratio wachsam_rps)") ÷ $(int "$(field lesson_rps_ratio nginx_rps)") rps)" "≥ 0.5×" "$(verdict "$r" ">=" 0.5)"
		p=$(field lesson_rps_ratio p99_ms)
		row "Lesson page p99 (wrk, c=${CONNECTIONS:-64})" "$p ms (nginx $(field lesson_rps_ratio nginx_p99_ms) ms)" "< 50 ms" "$(verdict "$p" "<" 50)"
		row "  CPU per lesson page: wachsam / PostgreSQL" "$(field lesson_rps_ratio wachsam_cpu_us_per_req) µs / $(field lesson_rps_ratio postgres_cpu_us_per_req) µs (nginx $(field lesson_rps_ratio nginx_cpu_us_per_req) µs)" "" ""
		row "  DB statements / rows written per page" "$(field lesson_rps_ratio db_statements_per_req) / $(field lesson_rps_ratio db_rows_written_per_req)" "" ""
		if grep -q lesson_multi_rps_ratio "$BENCH_RESULTS"; then
			row "  Lesson page, $(field lesson_multi_rps_ratio learners) learners rotating: ÷ nginx" "$(dec "$(field lesson_multi_rps_ratio lesson_multi_rps_ratio)")× ($(int "$(field lesson_multi_rps_ratio wachsam_rps)") rps), p99 $(field lesson_multi_rps_ratio p99_ms) ms" "" ""
		fi
		row "  /healthz (same middleware) ÷ nginx" "$(dec "$(field healthz_rps_ratio healthz_rps_ratio)")× ($(int "$(field healthz_rps_ratio healthz_rps)") rps)" "" ""
	fi
	if grep -q submit_tps_ratio "$BENCH_RESULTS"; then
		r=$(field submit_tps_ratio submit_tps_ratio)
		row "Submit tps ÷ pgbench -N -c ${PGBENCH_CLIENTS:-32}" "$(dec "$r")× ($(int "$(field submit_tps_ratio wachsam_submit_tps)") ÷ $(int "$(field submit_tps_ratio pgbench_tps)") tps)" "≥ 0.5×" "$(verdict "$r" ">=" 0.5)"
		row "  submit latency p50 / p99 (c=${SUBMIT_CONCURRENCY:-32})" "$(field submit_tps_ratio p50_ms) / $(field submit_tps_ratio p99_ms) ms" "" ""
		row "  CPU per submit: wachsam / PostgreSQL" "$(field submit_tps_ratio wachsam_cpu_us_per_submit) µs / $(field submit_tps_ratio postgres_cpu_us_per_submit) µs" "" ""
		row "  DB statements (autocommit transactions) per submit" "$(field submit_tps_ratio db_xacts_per_submit)" "" ""
		n=$(field burst_submissions burst_submissions)
		ok=$(field burst_submissions burst_ok)
		indb=$(field burst_submissions burst_submitted_in_db)
		v=MISS
		[[ -n "$n" && "$ok" == "$n" && "$indb" == "$n" && "$(field burst_submissions burst_errors)" == 0 ]] && v=PASS
		row "$n submissions at once" "$ok × 200, $indb submitted in DB, $(field burst_submissions burst_seconds) s" "all, none lost" "$v"
	fi
	if grep -q memory_rss_mb "$BENCH_RESULTS"; then
		m=$(field_where memory_rss_mb memory_rss_mb phase after-load)
		row "RSS, ${MEMORY_CONNS:-2000} keep-alive conns (after load)" "$m MB (idle before: $(field_where memory_rss_mb idle_rss_mb phase after-load) MB)" "< 150 MB" "$(verdict "$m" "<" 150)"
		f=$(field_where memory_rss_mb memory_rss_mb phase fresh)
		if [[ -n "$f" ]]; then
			row "RSS, same on a freshly started process" "$f MB (idle before: $(field_where memory_rss_mb idle_rss_mb phase fresh) MB)" "< 150 MB" "$(verdict "$f" "<" 150)"
		fi
	fi
	echo
	echo "Benchmark time: $(($(date +%s) - t_start)) s. Raw outputs: ${BENCH_OUT#"$ROOT"/}"
} | tee "$BENCH_OUT/summary.md"
