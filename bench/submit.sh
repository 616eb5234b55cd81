#!/usr/bin/env bash
# Quiz submission benchmark (requirement 2): POST /api/v1/attempts/{id}/submit against
# `pgbench -N` on the same PostgreSQL server in the same run, and 2,000 submissions fired at the
# same moment (each its own learner and attempt), verified in the database afterwards. Run
# through bench/run.sh, which starts the server and exports BENCH_*.
#
# Prints RESULT lines:
#   submit_tps_ratio=… wachsam_submit_tps=… pgbench_tps=…
#   burst_submissions=2000 burst_ok=… burst_errors=… burst_submitted_in_db=…
set -euo pipefail
BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
require_bench_env

SUBMIT_N=${SUBMIT_N:-2000}                     # learners = concurrent submissions in the burst
SUBMIT_CONCURRENCY=${SUBMIT_CONCURRENCY:-32}   # like pgbench -c
PGBENCH_CLIENTS=${PGBENCH_CLIENTS:-32}
PGBENCH_TIME=${PGBENCH_TIME:-15}
PGBENCH_SCALE=${PGBENCH_SCALE:-10}
BURST_COURSE=${BURST_COURSE:-phishing-erkennen}
TPS_COURSES=${TPS_COURSES:-datenschutz-alltag,mobiles-arbeiten} # SUBMIT_N attempts each
out=$BENCH_OUT/submit
mkdir -p "$out"

# --- Baseline: pgbench -N (TPC-B-like without the contended teller/branch updates) on a
# scratch database of the same server.
PGBENCH_DB=${BENCH_DB}_pgbench
echo "$PGBENCH_DB" >>"$BENCH_WORK/databases" # run.sh drops them on exit
createdb "$PGBENCH_DB"
log "submit: pgbench -i -s $PGBENCH_SCALE"
pgbench -i -q -s "$PGBENCH_SCALE" "$PGBENCH_DB" >"$out/pgbench-init.log" 2>&1 || die "pgbench -i failed: $(tail -3 "$out/pgbench-init.log")"
log "submit: pgbench -N -c $PGBENCH_CLIENTS -j $(nproc) -T $PGBENCH_TIME"
pgbench -N -c "$PGBENCH_CLIENTS" -j "$(nproc)" -T "$PGBENCH_TIME" "$PGBENCH_DB" >"$out/pgbench.log" 2>&1 ||
	die "pgbench failed: $(tail -3 "$out/pgbench.log")"
pgbench_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$out/pgbench.log" | tail -1)
[[ -n "$pgbench_tps" ]] || die "no tps in $out/pgbench.log"
pgbench_lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$out/pgbench.log")
dropdb "$PGBENCH_DB"

# --- wachsam: learners, logins and attempts are prepared first; then the throughput phase
# (SUBMIT_CONCURRENCY keep-alive clients) and the burst (SUBMIT_N at once).
log "submit: $SUBMIT_N learners, ${SUBMIT_N}×(1+$(tr ',' '\n' <<<"$TPS_COURSES" | grep -c .)) attempts, then submissions"
set +e
"$BENCH_WORK/submitload" -base "$BENCH_BASE" -dsn "$BENCH_DSN" -tenant "$BENCH_TENANT" -n "$SUBMIT_N" \
	-burst-course "$BURST_COURSE" -tps-courses "$TPS_COURSES" -tps-concurrency "$SUBMIT_CONCURRENCY" \
	-password "$BENCH_PASSWORD" -server-pid "$WACHSAM_PID" ${BENCH_PPROF:+-pprof "$BENCH_PPROF" -profile-prefix "$BENCH_OUT/submit"} >"$out/submitload.out" 2> >(tee "$out/submitload.log" >&2)
rc=$?
set -e
cat "$out/submitload.out" >&2
grep -q '^RESULT burst_' "$out/submitload.out" || die "submitload failed (exit $rc); see $out/submitload.log"

get() { sed -n "s/^RESULT .*\b$1=\([^ ]*\).*/\1/p" "$out/submitload.out" | head -1; }
tps=$(get submit_tps)

# Independent check in the database: every burst learner's attempt in the burst course is
# submitted, exactly once.
in_db=$(psql_q "$BENCH_DB" "
	SELECT count(*) FROM quiz_attempts a
	JOIN users u ON u.id = a.user_id
	JOIN course_versions v ON v.id = a.version_id
	JOIN courses c ON c.id = v.course_id
	WHERE u.email LIKE 'bench-learner-%' AND c.slug = '$BURST_COURSE' AND a.submitted_at IS NOT NULL")
open=$(psql_q "$BENCH_DB" "
	SELECT count(*) FROM quiz_attempts a JOIN users u ON u.id = a.user_id
	WHERE u.email LIKE 'bench-learner-%' AND a.submitted_at IS NULL")

result submit_tps_ratio="$(ratio "$tps" "$pgbench_tps")" wachsam_submit_tps="$tps" pgbench_tps="$pgbench_tps" \
	pgbench_latency_ms="$pgbench_lat" concurrency="$SUBMIT_CONCURRENCY" submits="$(get submits)" errors="$(get errors)" \
	p50_ms="$(get p50_ms)" p99_ms="$(get p99_ms)" wachsam_cpu_us_per_submit="$(get wachsam_cpu_us_per_submit)" \
	postgres_cpu_us_per_submit="$(get postgres_cpu_us_per_submit)" db_xacts_per_submit="$(get db_xacts_per_submit)"
result burst_submissions="$(get burst_submissions)" burst_ok="$(get burst_ok)" burst_errors="$(get burst_errors)" \
	burst_submitted_in_db="$in_db" attempts_left_open="$open" burst_seconds="$(get burst_seconds)" \
	burst_p99_ms="$(get burst_p99_ms)" burst_max_ms="$(get burst_max_ms)" burst_statuses="$(get burst_statuses)"
[[ $rc == 0 ]] || die "submitload reported a failure (exit $rc)"
[[ $in_db == "$SUBMIT_N" ]] || die "$in_db of $SUBMIT_N burst attempts are submitted in the database"
