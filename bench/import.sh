#!/usr/bin/env bash
# Staff import at scale (issue "HR and administration"): a 100,000-row staff list imported with
# `wachsam user import` into a municipality on PostgreSQL, against psql's \copy of the same
# file into a plain table of five text columns, same run, same machine. Each run gets a fresh
# database; the municipality already has COURSES mandatory courses for everybody, so the
# import also makes the obligations of every new person (as it does in production).
#
# A second baseline, the floor: PostgreSQL alone writing the rows the import has to write into
# tables shaped like Wachsam's (same columns, checks, unique keys, indexes and foreign keys):
# the users, their roles and their obligations, INSERT … SELECT from the copied file in one
# transaction, no client, no parsing, no matching. No import can be faster than that on the
# machine; its ratio to COPY is the best any import could reach there.
#
# A third, the bare floor: only the users, into a table with nothing but the three keys no
# staff list can do without (the id, the unique e-mail address people sign in with, the unique
# employee number the import matches by): no roles, no obligations, no other index, no foreign
# key. Less than this no system that keeps a staff list can write.
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
: >"$out/floor.txt"
: >"$out/bare.txt"
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

	# The floor: empty twins of the tables the import writes, filled from staff_copy.
	psql_q "$db" "CREATE TABLE floor_users (LIKE users INCLUDING ALL);
		ALTER TABLE floor_users ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id), ADD FOREIGN KEY (org_unit_id) REFERENCES org_units (id);
		CREATE TABLE floor_roles (LIKE user_roles INCLUDING ALL);
		ALTER TABLE floor_roles ADD FOREIGN KEY (user_id) REFERENCES floor_users (id) ON DELETE CASCADE;
		CREATE TABLE floor_obligations (LIKE obligations INCLUDING ALL);
		CREATE TABLE bare_users (LIKE users);
		ALTER TABLE bare_users ADD PRIMARY KEY (id), ADD UNIQUE (email);
		CREATE UNIQUE INDEX ON bare_users (tenant_id, employee_number)" >/dev/null
	t0=$(now)
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<-'SQL'
		BEGIN;
		-- Ids in creation order, as Wachsam's UUIDv7 are.
		INSERT INTO floor_users (id, tenant_id, email, name, employee_number, org_unit_id, active, created_at, updated_at)
		  SELECT lpad(to_hex(row_number() OVER ()), 32, '0')::uuid, t.id, lower(s.email), s.first_name || ' ' || s.last_name,
		         s.employee_number, NULL, true, now(), now()
		  FROM staff_copy s, tenants t WHERE t.slug = 'bench';
		INSERT INTO floor_roles (user_id, role) SELECT id, 'learner' FROM floor_users;
		INSERT INTO floor_obligations (tenant_id, user_id, course_id, org_unit_id, assignment_id, due_at, state, updated_at)
		  SELECT u.tenant_id, u.id, a.course_id, NULL, a.id, now() + interval '30 days', 'open', now()
		  FROM floor_users u JOIN assignments a ON a.tenant_id = u.tenant_id AND a.ended_at IS NULL AND a.org_unit_id IS NULL AND a.user_id IS NULL;
		COMMIT;
	SQL
	floor_s=$(since "$t0")
	t0=$(now)
	psql_q "$db" "INSERT INTO bare_users (id, tenant_id, email, name, employee_number, active, created_at, updated_at)
		SELECT lpad(to_hex(row_number() OVER ()), 32, '0')::uuid, t.id, lower(s.email), s.first_name || ' ' || s.last_name,
		       s.employee_number, true, now(), now()
		FROM staff_copy s, tenants t WHERE t.slug = 'bench'" >/dev/null
	bare_s=$(since "$t0")
	floor_obligations=$(psql_q "$db" "SELECT count(*) FROM floor_obligations")

	copied=$(psql_q "$db" "SELECT count(*) FROM staff_copy")
	users=$(psql_q "$db" "SELECT count(*) FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE t.slug = 'bench' AND u.email LIKE '%@import.example'")
	obligations=$(psql_q "$db" "SELECT count(*) FROM obligations")
	((floor_obligations == ROWS * COURSES)) || die "the floor wrote $floor_obligations obligations; want $((ROWS * COURSES))"
	[[ "$copied" == "$ROWS" && "$users" == "$ROWS" ]] || die "COPY holds $copied rows, the import made $users users; want $ROWS"
	((obligations >= ROWS * COURSES)) || die "the import made $obligations obligations; want at least $((ROWS * COURSES))"
	echo "$copy_s" >>"$out/copy.txt"
	echo "$import_s" >>"$out/import.txt"
	echo "$floor_s" >>"$out/floor.txt"
	echo "$bare_s" >>"$out/bare.txt"
	log "run $run: COPY ${copy_s} s, bare floor ${bare_s} s, floor ${floor_s} s, import ${import_s} s ($obligations obligations)"
done

import_s=$(median <"$out/import.txt")
copy_s=$(median <"$out/copy.txt")
floor_s=$(median <"$out/floor.txt")
bare_s=$(median <"$out/bare.txt")
bare_range=$(paste "$out/copy.txt" "$out/bare.txt" | awk '{ printf "%.3f\n", $1 / $2 }' | range)
ratio_range=$(paste "$out/copy.txt" "$out/import.txt" | awk '{ printf "%.3f\n", $1 / $2 }' | range)
floor_range=$(paste "$out/floor.txt" "$out/import.txt" | awk '{ printf "%.3f\n", $1 / $2 }' | range)
r=$(ratio "$copy_s" "$import_s")
rf=$(ratio "$floor_s" "$import_s")
best=$(ratio "$copy_s" "$floor_s")
bare=$(ratio "$copy_s" "$bare_s")
result "import_speed_vs_copy=$r import_speed_vs_floor=$rf floor_speed_vs_copy=$best bare_floor_speed_vs_copy=$bare import_s=$import_s floor_s=$floor_s bare_floor_s=$bare_s copy_s=$copy_s ratio_range=$ratio_range floor_ratio_range=$floor_range bare_ratio_range=$bare_range rows=$ROWS courses=$COURSES runs=$RUNS"
log "import ${import_s} s, floor ${floor_s} s, bare floor ${bare_s} s, COPY ${copy_s} s (medians of $RUNS): ${r}× COPY's speed (target ≥ 0.2; runs $ratio_range), ${rf}× the floor's (runs $floor_range); the floor itself is ${best}× COPY's, the bare floor ${bare}× (runs $bare_range); outputs in $out"
