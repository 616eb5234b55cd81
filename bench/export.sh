#!/usr/bin/env bash
# Streaming learner export at scale (issue "HR and administration"): a municipality with 100,000
# staff and 20 assigned courses (2,000,020 obligations) on PostgreSQL. Times
# GET /api/v1/reports/learners.csv (every mandatory course, the whole named list) with curl to
# /dev/null against psql's \copy of the same SELECT to /dev/null, same run, same machine, and
# samples the server's RSS during the export.
#
#   bash bench/export.sh
#
# Seeding takes about ten minutes, so the seeded database is kept (name below) and reused by the
# next run when it was seeded completely with the same USERS and COURSES; FRESH=1 seeds anew.
#
# Environment (all optional):
#   PGHOST, PGPORT, PGUSER   PostgreSQL server (default 127.0.0.1, 5432, postgres; needs the right
#                            to create databases)
#   DB=wachsam_bench_export  the kept, seeded database
#   USERS=100000 COURSES=20  size of the seeded municipality
#   RUNS=5 WARMUP=1          timed repetitions of each side (alternating) and untimed ones before
#   FRESH=1                  drop the kept database and seed again
#   SEED_ONLY=1              stop after seeding (or finding the seeded database)
#   DROP=1                   drop the database at the end
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

USERS=${USERS:-100000} COURSES=${COURSES:-20} RUNS=${RUNS:-5} WARMUP=${WARMUP:-1}
for tool in go psql createdb dropdb curl ss; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
psql_q postgres "SELECT 1" >/dev/null || die "cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER"

db=${DB:-wachsam_bench_export}
stamp=$(date +%Y%m%d-%H%M%S)
out=$BENCH_DIR/results/export-$stamp
export BENCH_RESULTS=$out/results.txt
work=$(mktemp -d /tmp/wachsam-export.XXXXXX)
mkdir -p "$out"
: >"$BENCH_RESULTS"
pid= sampler=
cleanup() {
	local rc=$?
	set +e
	[[ -n "$sampler" ]] && kill "$sampler" 2>/dev/null && wait "$sampler" 2>/dev/null
	[[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[[ -n "${DROP:-}" ]] && dropdb --if-exists --force "$db"
	rm -rf "$work"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bin=$(build_wachsam)

# Twenty small courses (each with a 12-month certificate), as in compliance.sh. Their content is
# the same every run, so a kept database finds its course versions again.
courses=$work/courses
make_courses "$courses" "$COURSES"

export WACHSAM_DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db?sslmode=disable"
export WACHSAM_COURSES_DIR=$courses WACHSAM_DATA_DIR=$work/data WACHSAM_LOG_LEVEL=warn
WACHSAM_TOKEN_KEY=$("$bin" token-key)
export WACHSAM_TOKEN_KEY

# A database counts as seeded when its comment says so: the comment is written only after the
# seed finished, so an interrupted seed is never reused.
marker="wachsam bench seed: users=$USERS courses=$COURSES"
have=$(psql_q postgres "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$db'")
if [[ -n "${FRESH:-}" || "$have" != "$marker" ]]; then
	dropdb --if-exists --force "$db"
	createdb "$db"
	log "seeding $USERS staff and $COURSES assigned courses into $db (wachsam dev seed; about 10 minutes at full size)"
	seed_start=$(date +%s.%N)
	"$bin" dev seed --tenant bench --users "$USERS" --courses "$COURSES" | tee "$out/seed.txt" >&2
	create_bench_hr "$bin"
	psql_q "$db" "VACUUM ANALYZE" >/dev/null
	psql_q "$db" "COMMENT ON DATABASE $db IS '$marker'" >/dev/null
	log "seeded in $(awk -v a="$seed_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
else
	log "reusing the seeded database $db ($marker)"
fi
[[ -z "${SEED_ONLY:-}" ]] || exit 0

rows=$(psql_q "$db" "SELECT count(*) FROM obligations WHERE state <> 'exempt'")
tenant=$(psql_q "$db" "SELECT id FROM tenants WHERE slug = 'bench'")
log "$rows obligations to export"

port=$(free_port)
WACHSAM_ADDR=127.0.0.1:$port "$bin" serve >"$out/server.log" 2>&1 &
pid=$!
wait_http "http://127.0.0.1:$port/readyz" 60 || die "wachsam did not start (see $out/server.log)"
login() { bench_hr_token "$port"; }
url="http://127.0.0.1:$port/api/v1/reports/learners.csv"
rss_start=$(rss_kib "$pid")

# The export's query by hand, for COPY: the same joins, filter, status expression (at now())
# and order as store.EachLearnerObligation, the same ten columns.
read -r -d '' sql <<EOF2 || true
SELECT u.name, u.email, COALESCE(u.employee_number, ''), COALESCE(ou.path, ''), ob.course_id, c.slug,
 CASE WHEN ob.state = 'exempt' THEN 'exempt'
  WHEN ob.completed_at IS NOT NULL AND (ob.valid_until IS NULL OR ob.valid_until > now()) THEN 'completed'
  WHEN ob.due_at < now() THEN 'overdue' WHEN ob.state = 'in_progress' THEN 'in_progress' ELSE 'open' END,
 ob.due_at, ob.completed_at, ob.valid_until
FROM obligations AS ob JOIN users AS u ON u.id = ob.user_id JOIN courses AS c ON c.id = ob.course_id
 LEFT JOIN org_units AS ou ON ou.id = ob.org_unit_id
WHERE ob.tenant_id = '$tenant' AND ob.state <> 'exempt'
ORDER BY 4, u.name, ob.user_id, c.slug
EOF2
copy_cmd="\\copy ($(echo "$sql" | tr '\n' ' ')) TO STDOUT WITH CSV"

# Both answers must hold every row (the export adds its heading line).
api_lines=$(curl -fsS -H "Authorization: Bearer $(login)" "$url" | wc -l)
copy_lines=$(psql -X -q -d "$db" -c "$copy_cmd" | wc -l)
[[ "$api_lines" == $((rows + 1)) && "$copy_lines" == "$rows" ]] || die "export has $api_lines lines, COPY $copy_lines, obligations $rows"
curl -sS -H "Authorization: Bearer $(login)" "$url" 2>/dev/null | head -n 3 >"$out/export-head.csv" || true

# RSS of the server, sampled every 50 ms while the exports run.
(
	while kill -0 "$pid" 2>/dev/null; do
		rss_kib "$pid"
		sleep 0.05
	done
) >"$out/rss.txt" &
sampler=$!

now() { date +%s.%N; }
: >"$out/api.txt"
: >"$out/copy.txt"
for i in $(seq $((WARMUP + RUNS))); do
	# Alternate, so that both sides see the same machine.
	token=$(login)
	t0=$(now)
	psql -X -q -d "$db" -c "$copy_cmd" >/dev/null
	t1=$(now)
	size=$(curl -fsS -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $token" "$url")
	t2=$(now)
	if ((i > WARMUP)); then
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$out/copy.txt"
		awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f\n", b - a }' >>"$out/api.txt"
	fi
	log "run $i: COPY $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s, export $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }') s ($size bytes)"
done
kill "$sampler" 2>/dev/null && { wait "$sampler" 2>/dev/null || true; }
sampler=

api_s=$(median <"$out/api.txt")
copy_s=$(median <"$out/copy.txt")
# Per run: COPY's time over the export's time (speed relative to COPY; ≥ 0.5 is the target).
ratios=$(paste "$out/copy.txt" "$out/api.txt" | awk '{ printf "%.3f\n", $1 / $2 }')
ratio_range=$(echo "$ratios" | range)
rss_max_mb=$(sort -n "$out/rss.txt" | tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }')
hwm_mb=$(awk '{ printf "%.1f", $1 / 1024 }' <<<"$(rss_kib "$pid" VmHWM)")
r=$(ratio "$copy_s" "$api_s")
result "export_speed_vs_copy=$r export_s=$api_s copy_s=$copy_s ratio_range=$ratio_range rss_max_mb=$rss_max_mb rss_hwm_mb=$hwm_mb rss_start_mb=$(awk -v k="$rss_start" 'BEGIN { printf "%.1f", k / 1024 }') rows=$rows bytes=$size runs=$RUNS"
log "export ${api_s} s, COPY ${copy_s} s (medians of $RUNS): ${r}× COPY's speed (target ≥ 0.5; runs $ratio_range); server RSS at most ${rss_max_mb} MB while exporting, peak ${hwm_mb} MB (target < 150 MB); outputs in $out"

if [[ -n "${XLSX:-}" ]]; then
	# Context only: the same list as a workbook (2 sheets at 2 million rows).
	t0=$(now)
	xsize=$(curl -fsS -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $(login)" "${url%.csv}.xlsx")
	xs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
	result "xlsx_s=$xs xlsx_bytes=$xsize rss_hwm_mb=$(awk '{ printf "%.1f", $1 / 1024 }' <<<"$(rss_kib "$pid" VmHWM)")"
fi
