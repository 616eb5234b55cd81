# shellcheck shell=bash
# Helpers shared by bench/run.sh, the benchmark parts (lesson.sh, submit.sh, memory.sh) and the
# standalone scripts (compliance.sh, export.sh, import.sh, learners.sh). Sourced, not run.

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

# result KEY=VALUE... prints a machine-readable line and appends it to the results file.
result() {
	local line="RESULT $*"
	echo "$line"
	if [[ -n "${BENCH_RESULTS:-}" ]]; then echo "$line" >>"$BENCH_RESULTS"; fi
}

# free_port prints a TCP port on 127.0.0.1 that no socket uses. It stays below the kernel's
# ephemeral range, where an outgoing connection could take the port before the server binds it.
free_port() {
	local low p
	low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	((low > 11000)) || low=61000 # unusual range: use the ports above the default one
	for _ in $(seq 200); do
		if ((low == 61000)); then p=$((61000 + RANDOM % 4000)); else p=$((10000 + RANDOM % (low - 10000))); fi
		if [[ -z "$(ss -Htan "( sport = :$p or dport = :$p )" 2>/dev/null)" ]]; then
			echo "$p"
			return 0
		fi
	done
	die "no free port found"
}

# wait_http URL [SECONDS]: wait until URL answers 200.
wait_http() {
	local url=$1 secs=${2:-30}
	for _ in $(seq $((secs * 10))); do
		if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	return 1
}

# psql_q DB SQL: one value, no decoration.
psql_q() { psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# wrk_field FILE requests|p99|p50|non2xx|errors: one number out of a `wrk --latency` report.
# Latencies are converted to milliseconds.
wrk_field() {
	local file=$1 what=$2
	case $what in
	requests) awk '/^Requests\/sec:/ {print $2}' "$file" ;;
	p50 | p75 | p90 | p99)
		awk -v pct="${what#p}%" '$1 == pct {
			v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
			if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
			printf "%.2f\n", v }' "$file"
		;;
	non2xx) awk '/Non-2xx or 3xx responses:/ {print $5; f=1} END {if (!f) print 0}' "$file" ;;
	errors) awk '/Socket errors:/ {gsub(",", ""); print $4+$6+$8+$10; f=1} END {if (!f) print 0}' "$file" ;;
	*) die "wrk_field: unknown field $what" ;;
	esac
}

# ratio A B: A/B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "nan"; else printf "%.3f\n", a / b }'; }

# rss_kib PID [FIELD]: VmRSS (or VmHWM) of a process in KiB.
rss_kib() { awk -v f="${2:-VmRSS}:" '$1 == f {print $2}' "/proc/$1/status"; }

# cpu_ticks PID...: user+system CPU ticks of the processes (and their threads) so far.
cpu_ticks() {
	local total=0 pid t
	for pid in "$@"; do
		t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
		total=$((total + t))
	done
	echo "$total"
}

# postgres_pids DB: the PostgreSQL backends serving DB (wachsam's pool keeps its connections, so
# these are the processes doing its queries; other databases on the server are not counted).
postgres_pids() {
	psql_q "$1" "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" | tr '\n' ' '
}

# db_stat DB: "xact_commit tup_returned tup_fetched tup_inserted tup_updated" of DB.
db_stat() {
	psql_q "$1" "SELECT xact_commit + xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated
	             FROM pg_stat_database WHERE datname = current_database()" | tr '|' ' '
}

# require_bench_env: the parts run under run.sh, which exports the server's coordinates.
require_bench_env() {
	local v
	for v in BENCH_DIR BENCH_WORK BENCH_BASE BENCH_ADDR BENCH_DB BENCH_DSN WACHSAM_PID BENCH_BIN; do
		[[ -n "${!v:-}" ]] || die "$v is not set: run the benchmarks through bench/run.sh (e.g. bash bench/run.sh ${0##*/})"
	done
}

# build_wachsam builds cmd/wachsam into bench/.out/wachsam and prints its path.
build_wachsam() {
	log "building"
	mkdir -p "$BENCH_DIR/.out"
	(cd "$ROOT" && go build -o "$BENCH_DIR/.out/wachsam" ./cmd/wachsam)
	printf '%s\n' "$BENCH_DIR/.out/wachsam"
}

# make_courses DIR N writes N small courses kurs-01 … kurs-N (one lesson each, a 12-month
# certificate) into DIR. Their content is the same every run, so a kept database finds its
# course versions again.
make_courses() {
	local dir=$1 n i
	for n in $(seq 1 "$2"); do
		i=$(printf %02d "$n")
		mkdir -p "$dir/kurs-$i"
		printf -- '---\ntitle: Pflichtkurs %s\nsummary: Ein Kurs für die Messung.\nlanguage: de\nvalidity: 12mo\n---\n\nText.\n' "$i" >"$dir/kurs-$i/course.md"
		printf -- '---\ntitle: Eins\n---\n\nText.\n' >"$dir/kurs-$i/01-eins.md"
	done
}

# drop_scratch DB DIR drops a scratch database and deletes a scratch directory, or, with KEEP=1,
# keeps both and says so (for looking at them after a run).
drop_scratch() {
	if [[ -z "${KEEP:-}" ]]; then
		dropdb --if-exists --force "$1" 2>/dev/null
		rm -rf "$2"
	else
		log "KEEP=1: kept $2 and the database $1"
	fi
}

# median: the median of the numbers on stdin, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# range: "lowest-highest" of the numbers on stdin, one a line.
range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }

# The hr account the standalone scripts create in the seeded municipality "bench" and sign in
# with.
BENCH_HR_EMAIL=hr@bench.example BENCH_HR_PASSWORD=bench-hr-password

# create_bench_hr BIN: creates the hr account with the wachsam binary BIN (WACHSAM_DATABASE_URL
# set).
create_bench_hr() {
	echo "$BENCH_HR_PASSWORD" | "$1" user create --tenant bench --email "$BENCH_HR_EMAIL" --name "HR" --role hr --password-stdin >/dev/null
}

# bench_hr_token PORT: an access token of the hr account from the server on 127.0.0.1:PORT.
bench_hr_token() {
	curl -fsS -H 'Content-Type: application/json' -d '{"email":"'"$BENCH_HR_EMAIL"'","password":"'"$BENCH_HR_PASSWORD"'"}' \
		"http://127.0.0.1:$1/api/v1/auth/login" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}

# time_get URL TOKEN: the median of RUNS timed GETs in ms, after WARMUP untimed ones (RUNS and
# WARMUP are the calling script's).
time_get() {
	local i
	for i in $(seq "$WARMUP"); do curl -fsS -o /dev/null -H "Authorization: Bearer $2" "$1"; done
	for i in $(seq "$RUNS"); do
		curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $2" "$1"
	done | awk '{ printf "%.3f\n", $1 * 1000 }' | median
}

# time_sql DB SQL: the median of RUNS runs of SQL in psql (its \timing) in ms, after WARMUP
# untimed ones.
time_sql() {
	{
		echo '\timing on'
		for _ in $(seq $((WARMUP + RUNS))); do echo "$2"; done
	} | psql -X -q -A -t -d "$1" 2>&1 | awk '/^Time: / { print $2 }' | tail -n "$RUNS" | median
}
