#!/usr/bin/env bash
# Staff import at scale (issue "HR and administration"): a 100,000-row staff list imported with
# `wachsam user import` into a municipality on PostgreSQL, against psql's \copy of the same
# file into a plain table of five text columns, same run, same machine. Each run gets a fresh
# database; the municipality already has COURSES mandatory courses for everybody, so the
# import also makes the obligations of every new person (as it does in production).
#
#   bash bench/import.sh
#
# Environment (all optional):
#   PGHOST, PGPORT, PGUSER   PostgreSQL server (default 127.0.0.1, 5432, postgres; needs the right
#                            to create databases)
#   ROWS=100000              people in the file
#   COURSES=5                courses assigned to the whole municipality before the import (0: none)
#   RUNS=3                   timed repetitions (each on a fresh database; medians and ranges)
#   KEEP=1                   keep the last database and the scratch directory
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

ROWS=${ROWS:-100000} COURSES=${COURSES:-5} RUNS=${RUNS:-3}
for tool in go psql createdb dropdb; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
psql_q postgres "SELECT 1" >/dev/null || die "cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER"

stamp=$(date +%Y%m%d-%H%M%S)
out=$BENCH_DIR/results/import-$stamp
export BENCH_RESULTS=$out/results.txt
work=$(mktemp -d /tmp/wachsam-import.XXXXXX)
db=wachsam_bench_import_$$
mkdir -p "$out"
: >"$BENCH_RESULTS"
cleanup() {
	local rc=$?
	set +e
	drop_scratch "$db" "$work"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bin=$(build_wachsam)

courses=$work/courses
make_courses "$courses" "$((COURSES > 0 ? COURSES : 1))"

# The staff list as HR systems write it for German Excel: ';', German headings, UTF-8 with a
# byte order mark, CRLF; 2,000 org units of two levels, umlauts in names.
file=$work/staff.csv
awk -v n="$ROWS" 'BEGIN {
	printf "\357\273\277Personalnummer;Vorname;Nachname;E-Mail;Organisationseinheit\r\n"
	for (i = 1; i <= n; i++)
		printf "P%07d;Jürgen %d;Müller-Lüdenscheid;person-%d@import.example;Fachbereich %d/Team %d\r\n", i, i, i, i % 10 + 1, i % 2000 + 1
}' >"$file"
log "staff list: $ROWS rows, $(($(stat -c %s "$file") / 1024)) KB"

export WACHSAM_COURSES_DIR=$courses WACHSAM_DATA_DIR=$work/data WACHSAM_LOG_LEVEL=warn
WACHSAM_TOKEN_KEY=$("$bin" token-key)
export WACHSAM_TOKEN_KEY
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

: >"$out/import.txt"
: >"$out/copy.txt"
for run in $(seq "$RUNS"); do
	dropdb --if-exists --force "$db" 2>/dev/null
	createdb "$db"
	export WACHSAM_DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$db?sslmode=disable"
	if ((COURSES > 0)); then
		"$bin" dev seed --tenant bench --users 1 --courses "$COURSES" >/dev/null
	else
		"$bin" tenant create --slug bench --name "Stadt bench" >/dev/null
	fi
	psql_q "$db" "CREATE TABLE staff_copy (employee_number text, first_name text, last_name text, email text, org_unit text)" >/dev/null
	psql_q "$db" "VACUUM ANALYZE" >/dev/null

	# COPY first: the same file, BOM and all (it lands in the first heading, which HEADER skips).
	t0=$(now)
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "\\copy staff_copy FROM '$file' WITH (FORMAT csv, HEADER, DELIMITER ';')"
	copy_s=$(since "$t0")

	t0=$(now)
	"$bin" user import --tenant bench "$file" >"$out/import-$run.txt"
	import_s=$(since "$t0")

	copied=$(psql_q "$db" "SELECT count(*) FROM staff_copy")
	users=$(psql_q "$db" "SELECT count(*) FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE t.slug = 'bench' AND u.email LIKE '%@import.example'")
	obligations=$(psql_q "$db" "SELECT count(*) FROM obligations")
	[[ "$copied" == "$ROWS" && "$users" == "$ROWS" ]] || die "COPY holds $copied rows, the import made $users users; want $ROWS"
	((obligations >= ROWS * COURSES)) || die "the import made $obligations obligations; want at least $((ROWS * COURSES))"
	echo "$copy_s" >>"$out/copy.txt"
	echo "$import_s" >>"$out/import.txt"
	log "run $run: COPY ${copy_s} s, import ${import_s} s ($obligations obligations)"
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }
import_s=$(median <"$out/import.txt")
copy_s=$(median <"$out/copy.txt")
ratio_range=$(paste "$out/copy.txt" "$out/import.txt" | awk '{ printf "%.3f\n", $1 / $2 }' | range)
r=$(ratio "$copy_s" "$import_s")
result "import_speed_vs_copy=$r import_s=$import_s copy_s=$copy_s ratio_range=$ratio_range rows=$ROWS courses=$COURSES runs=$RUNS"
log "import ${import_s} s, COPY ${copy_s} s (medians of $RUNS): ${r}× COPY's speed (target ≥ 0.2; runs $ratio_range); outputs in $out"
