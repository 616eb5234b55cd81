#!/usr/bin/env bash
# Named list pages at scale (issue "HR and administration"): one course's named list in a
# municipality with 100,000 staff and 20 assigned courses on PostgreSQL, pulled a hundred people
# at a time as HR systems do (GET /api/v1/reports/learners?course=…&limit=100, then the
# Next-Cursor). Times the first page and the tenth against the same pages' hand-written SQL
# (the same joins, order and LIMIT) run in psql, same run, same machine; with BASELINE_REV, also
# against the same requests served by that older revision, so that a change is measured as a
# ratio in one run.
#
#   bash bench/learners.sh
#   BASELINE_REV=a1597c7 bash bench/learners.sh
#
# It uses the seeded database that bench/export.sh keeps (and seeds it first, about ten
# minutes, when it is missing).
#
# Environment (all optional):
#   PGHOST, PGPORT, PGUSER   PostgreSQL server (default 127.0.0.1, 5432, postgres)
#   DB=wachsam_bench_export  the kept, seeded database (see bench/export.sh)
#   USERS=100000 COURSES=20  its size
#   RUNS=15 WARMUP=3         timed repetitions (medians are reported) and untimed ones before
#   BASELINE_REV=<rev>       also measure this git revision's server on the same requests
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

USERS=${USERS:-100000} COURSES=${COURSES:-20} RUNS=${RUNS:-15} WARMUP=${WARMUP:-3}
for tool in go git psql curl ss; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export DB=${DB:-wachsam_bench_export} USERS COURSES
db=$DB

# The seeded municipality, kept by export.sh (which seeds it when it is missing).
SEED_ONLY=1 bash "$BENCH_DIR/export.sh"

stamp=$(date +%Y%m%d-%H%M%S)
out=$BENCH_DIR/results/learners-$stamp
export BENCH_RESULTS=$out/results.txt
work=$(mktemp -d /tmp/wachsam-learners.XXXXXX)
mkdir -p "$out"
: >"$BENCH_RESULTS"
pid=
cleanup() {
	local rc=$?
	set +e
	[[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bin=$(build_wachsam)
courses=$work/courses
make_courses "$courses" "$COURSES"
export WACHSAM_DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db?sslmode=disable"
export WACHSAM_COURSES_DIR=$courses WACHSAM_DATA_DIR=$work/data WACHSAM_LOG_LEVEL=warn
WACHSAM_TOKEN_KEY=$("$bin" token-key)
export WACHSAM_TOKEN_KEY

# measure NAME BINARY: serves the seeded database with BINARY, walks to the tenth page and
# prints "first_ms tenth_ms" (and keeps the first page's JSON as $out/NAME-first.json).
measure() {
	local name=$1 server=$2 port token url headers cur i first tenth
	port=$(free_port)
	WACHSAM_ADDR=127.0.0.1:$port "$server" serve >"$out/$name-server.log" 2>&1 &
	pid=$!
	wait_http "http://127.0.0.1:$port/readyz" 60 || die "$name: wachsam did not start (see $out/$name-server.log)"
	token=$(bench_hr_token "$port")
	url="http://127.0.0.1:$port/api/v1/reports/learners?course=kurs-01&limit=100"
	curl -fsS -H "Authorization: Bearer $token" "$url" >"$out/$name-first.json"
	first=$(time_get "$url" "$token")
	# Follow Next-Cursor nine times: the tenth page starts after the 900th person.
	cur=
	for i in $(seq 9); do
		headers=$(curl -fsS -o /dev/null -D - -H "Authorization: Bearer $token" "$url${cur:+&cursor=$cur}")
		cur=$(tr -d '\r' <<<"$headers" | awk -F': ' 'tolower($1) == "next-cursor" { print $2 }')
		[[ -n "$cur" ]] || die "$name: page $i announces no next page"
	done
	curl -fsS -H "Authorization: Bearer $token" "$url&cursor=$cur" >"$out/$name-tenth.json"
	tenth=$(time_get "$url&cursor=$cur" "$token")
	kill "$pid" && wait "$pid" 2>/dev/null || true
	pid=
	echo "$first $tenth"
}

read -r first_ms tenth_ms <<<"$(measure current "$bin")"
log "this revision: first page ${first_ms} ms, tenth page ${tenth_ms} ms"

# The same pages by hand: the same joins, filter, order and LIMIT (one more row than shown, as
# the store reads to know whether a page follows); the tenth starts after the 900th person.
tenant=$(psql_q "$db" "SELECT id FROM tenants WHERE slug = 'bench'")
course=$(psql_q "$db" "SELECT id FROM courses WHERE slug = 'kurs-01'")
from="FROM obligations AS ob JOIN users AS u ON u.id = ob.user_id LEFT JOIN org_units AS ou ON ou.id = ob.org_unit_id
 WHERE ob.tenant_id = '$tenant' AND ob.course_id = '$course' AND ob.state <> 'exempt'"
columns="u.email, ob.*, u.name, u.employee_number, COALESCE(ou.path, '') AS org_unit_path"
order="ORDER BY COALESCE(ou.path, ''), u.name, u.id LIMIT 101"
first_sql="SELECT $columns $from $order;"
IFS='|' read -r k_unit k_name k_id <<<"$(psql_q "$db" "SELECT COALESCE(ou.path, ''), u.name, u.id $from ORDER BY 1, 2, 3 OFFSET 899 LIMIT 1")"
tenth_sql="SELECT $columns $from AND (COALESCE(ou.path, '') > '$k_unit' OR (COALESCE(ou.path, '') = '$k_unit'
 AND (u.name > '$k_name' OR (u.name = '$k_name' AND u.id > '$k_id')))) $order;"
sql_ms=$(time_sql "$db" "$first_sql")
sql_tenth_ms=$(time_sql "$db" "$tenth_sql")

# Both must give the same hundred people on both pages.
for page in first tenth; do
	query=${page}_sql
	api_emails=$(grep -o '"email":"[^"]*"' "$out/current-$page.json" | cut -d'"' -f4)
	sql_emails=$(psql -X -q -A -t -d "$db" -c "${!query}" | head -n 100 | cut -d'|' -f1)
	[[ "$api_emails" == "$sql_emails" ]] || die "the API's $page page differs from the SQL's"
done

line="first_page_ms=$first_ms tenth_page_ms=$tenth_ms sql_first_ms=$sql_ms sql_tenth_ms=$sql_tenth_ms first_vs_sql=$(ratio "$first_ms" "$sql_ms") tenth_vs_sql=$(ratio "$tenth_ms" "$sql_tenth_ms")"
if [[ -n "${BASELINE_REV:-}" ]]; then
	log "building $BASELINE_REV for the same requests"
	mkdir -p "$work/base"
	git -C "$ROOT" archive "$BASELINE_REV" | tar -x -C "$work/base"
	(cd "$work/base" && go build -o "$work/wachsam-base" ./cmd/wachsam)
	read -r base_first base_tenth <<<"$(measure baseline "$work/wachsam-base")"
	cmp -s "$out/current-first.json" "$out/baseline-first.json" || die "$BASELINE_REV's first page differs"
	cmp -s "$out/current-tenth.json" "$out/baseline-tenth.json" || die "$BASELINE_REV's tenth page differs"
	log "$BASELINE_REV: first page ${base_first} ms, tenth page ${base_tenth} ms"
	line+=" baseline=$BASELINE_REV baseline_first_ms=$base_first baseline_tenth_ms=$base_tenth first_speedup=$(ratio "$base_first" "$first_ms") tenth_speedup=$(ratio "$base_tenth" "$tenth_ms")"
fi
result "$line users=$USERS courses=$COURSES runs=$RUNS"
log "first page ${first_ms} ms, tenth ${tenth_ms} ms; the same pages' SQL in psql ${sql_ms} ms and ${sql_tenth_ms} ms; outputs in $out"
