#!/usr/bin/env bash
# Compliance overview at scale (issue "HR and administration"): a municipality with 100,000 staff
# and 20 assigned courses on PostgreSQL. Times GET /api/v1/reports/compliance?course=… (the whole
# request: token, tenant, the GROUP BY over the obligations table, suppression, JSON) against the
# equivalent hand-written SQL GROUP BY run in psql on the same data, same run, same machine.
#
#   bash bench/compliance.sh
#
# Environment (all optional):
#   PGHOST, PGPORT, PGUSER   PostgreSQL server (default 127.0.0.1, 5432, postgres; needs the right
#                            to create databases)
#   USERS=100000 COURSES=20  size of the seeded municipality
#   RUNS=30 WARMUP=5         timed repetitions (medians are reported) and untimed ones before
#   KEEP=1                   keep the database and scratch directory
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

USERS=${USERS:-100000} COURSES=${COURSES:-20} RUNS=${RUNS:-30} WARMUP=${WARMUP:-5}
for tool in go psql createdb dropdb curl ss; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
psql_q postgres "SELECT 1" >/dev/null || die "cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER"

stamp=$(date +%Y%m%d-%H%M%S)
out=$BENCH_DIR/results/compliance-$stamp
export BENCH_RESULTS=$out/results.txt
work=$(mktemp -d /tmp/wachsam-compliance.XXXXXX)
db=wachsam_bench_compliance_$$
mkdir -p "$out"
: >"$BENCH_RESULTS"
pid=
cleanup() {
	local rc=$?
	set +e
	[[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	drop_scratch "$db" "$work"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bin=$(build_wachsam)

# Twenty small courses (each with a 12-month certificate): the starter library has six.
courses=$work/courses
make_courses "$courses" "$COURSES"

createdb "$db"
export WACHSAM_DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db?sslmode=disable"
export WACHSAM_COURSES_DIR=$courses WACHSAM_DATA_DIR=$work/data WACHSAM_LOG_LEVEL=warn
WACHSAM_TOKEN_KEY=$("$bin" token-key)
export WACHSAM_TOKEN_KEY

log "seeding $USERS staff and $COURSES assigned courses (wachsam dev seed)"
seed_start=$(date +%s.%N)
"$bin" dev seed --tenant bench --users "$USERS" --courses "$COURSES" | tee "$out/seed.txt" >&2
seed_s=$(awk -v a="$seed_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
create_bench_hr "$bin"
psql_q "$db" "VACUUM ANALYZE" >/dev/null
rows=$(psql_q "$db" "SELECT count(*) FROM obligations")
tenant=$(psql_q "$db" "SELECT id FROM tenants WHERE slug = 'bench'")
course=$(psql_q "$db" "SELECT id FROM courses WHERE slug = 'kurs-01'")
log "$rows obligations after ${seed_s}s"

port=$(free_port)
WACHSAM_ADDR=127.0.0.1:$port "$bin" serve >"$out/server.log" 2>&1 &
pid=$!
wait_http "http://127.0.0.1:$port/readyz" 60 || die "wachsam did not start (see $out/server.log)"
token=$(bench_hr_token "$port")

url="http://127.0.0.1:$port/api/v1/reports/compliance?course=kurs-01"
curl -fsS -H "Authorization: Bearer $token" "$url" >"$out/api.json"
api_ms=$(time_get "$url" "$token")

# The same question by hand: one course, counted per org unit, exempt people left out.
read -r -d '' sql <<EOF || true
SELECT ou.path,
       count(*) AS assigned,
       count(*) FILTER (WHERE o.completed_at IS NOT NULL AND (o.valid_until IS NULL OR o.valid_until > now())) AS completed,
       count(*) FILTER (WHERE (o.completed_at IS NULL OR o.valid_until <= now()) AND o.due_at < now()) AS overdue,
       count(*) FILTER (WHERE (o.completed_at IS NULL OR o.valid_until <= now()) AND o.due_at >= now() AND o.state = 'in_progress') AS in_progress
FROM obligations o LEFT JOIN org_units ou ON ou.id = o.org_unit_id
WHERE o.tenant_id = '$tenant' AND o.course_id = '$course' AND o.state <> 'exempt'
GROUP BY ou.path;
EOF
psql -X -q -A -d "$db" -c "$sql" >"$out/sql.txt"
sql_ms=$(time_sql "$db" "$sql")

# The two answers must agree (totals over all org units).
api_total=$(sed -E 's/.*"total":\{[^}]*"assigned":([0-9]+).*/\1/' "$out/api.json")
sql_total=$(awk -F'|' 'NR > 1 && $2 ~ /^[0-9]+$/ { s += $2 } END { print s }' "$out/sql.txt")
[[ "$api_total" == "$sql_total" ]] || die "API total $api_total differs from SQL total $sql_total"

r=$(ratio "$api_ms" "$sql_ms")
result "compliance_ratio=$r api_ms=$api_ms sql_ms=$sql_ms users=$USERS courses=$COURSES obligations=$rows assigned_in_course=$api_total seed_s=$seed_s"
log "API ${api_ms} ms, SQL ${sql_ms} ms: ${r}× (target ≤ 1.5× and < 300 ms); outputs in $out"
