#!/usr/bin/env bash
# Lesson page benchmark (requirement 1): a signed-in learner's lesson page, served by wachsam on
# PostgreSQL, against nginx serving the same HTML bytes as a static file — same machine, same
# run, same wrk settings. Run through bench/run.sh, which starts the server and exports BENCH_*.
#
# Prints RESULT lines:
#   lesson_rps_ratio=… wachsam_rps=… nginx_rps=… p99_ms=…      (the requirement: one learner)
#   lesson_multi_rps_ratio=…                                     (500 learners, taking turns)
#   healthz_rps_ratio=…                                          (the framework's ceiling)
set -euo pipefail
BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
require_bench_env

THREADS=${THREADS:-$(nproc)}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
LESSON_PATH=${LESSON_PATH:-/courses/phishing-erkennen/lessons/was-ist-phishing}
MULTI_LEARNERS=${MULTI_LEARNERS:-500} # 0 = skip the many-learners run
CLK_TCK=$(getconf CLK_TCK)
out=$BENCH_OUT/lesson
mkdir -p "$out"

# --- Sign in through the browser pages: GET /login for the CSRF cookie and field, POST /login.
# web_login EMAIL PASSWORD JAR
web_login() {
	local email=$1 password=$2 jar=$3 csrf
	csrf=$(curl -fsS -c "$jar" -b "$jar" "$BENCH_BASE/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
	[[ -n "$csrf" ]] || die "no CSRF field on /login"
	curl -fsS -o /dev/null -c "$jar" -b "$jar" -X POST "$BENCH_BASE/login" \
		--data-urlencode "_csrf=$csrf" --data-urlencode "email=$email" --data-urlencode "password=$password"
	grep -q 'wachsam_at' "$jar" || die "login of $email set no access cookie"
}

# cookie_header JAR: the Cookie header a browser sends (access, refresh and CSRF cookies).
cookie_header() {
	awk '$6 ~ /^wachsam_(at|rt|csrf)$/ {printf "%s%s=%s", sep, $6, $7; sep = "; "}' "$1"
}

log "lesson: signing in $BENCH_LEARNER_EMAIL through /login"
web_login "$BENCH_LEARNER_EMAIL" "$BENCH_PASSWORD" "$out/cookies.txt"
COOKIE=$(cookie_header "$out/cookies.txt")
echo "$COOKIE" >"$BENCH_WORK/learner-cookie" # memory.sh reuses the session

# The first visit enrols the learner and records the lesson as opened; the benchmark measures the
# steady state of reading it (every later visit).
code=$(curl -sS -o "$out/lesson-first.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$BENCH_BASE$LESSON_PATH")
[[ $code == 200 ]] || die "GET $LESSON_PATH answered $code (see $out/lesson-first.html)"
code=$(curl -sS -o "$out/lesson.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$BENCH_BASE$LESSON_PATH")
[[ $code == 200 ]] || die "GET $LESSON_PATH answered $code"
grep -q '<html' "$out/lesson.html" || die "$LESSON_PATH is not an HTML page"
bytes=$(wc -c <"$out/lesson.html")
log "lesson: $LESSON_PATH is $bytes bytes of HTML"

# --- nginx serves the same bytes as a static file.
ngx=$BENCH_WORK/nginx
mkdir -p "$ngx/html" "$ngx/tmp"
cp "$out/lesson.html" "$ngx/html/lesson.html"
# Started as root, nginx's workers run as nobody: they must be able to read the file.
chmod a+rx "$BENCH_WORK" "$ngx" "$ngx/html"
chmod a+r "$ngx/html/lesson.html"
start_nginx() {
NGINX_PORT=$(free_port)
cat >"$ngx/nginx.conf" <<EOF
daemon off;
worker_processes $(nproc);
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $ngx/tmp;
    proxy_temp_path $ngx/tmp;
    fastcgi_temp_path $ngx/tmp;
    uwsgi_temp_path $ngx/tmp;
    scgi_temp_path $ngx/tmp;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $ngx/html;
        charset utf-8;
        location = /lesson.html { default_type text/html; }
    }
}
EOF
nginx -p "$ngx" -c "$ngx/nginx.conf" >"$ngx/stderr.log" 2>&1 &
NGINX_PID=$!
echo "$NGINX_PID" >"$BENCH_WORK/nginx.pid" # run.sh stops it on exit
wait_http "http://127.0.0.1:$NGINX_PORT/lesson.html" 10
}
if ! start_nginx; then # e.g. the port was taken in the meantime: once more on another
	log "nginx did not start: $(cat "$ngx/stderr.log"; tail -3 "$ngx/error.log" 2>/dev/null)"
	kill "$NGINX_PID" 2>/dev/null || true
	start_nginx || die "nginx did not start: $(cat "$ngx/stderr.log"; tail -3 "$ngx/error.log" 2>/dev/null)"
fi
cmp -s "$out/lesson.html" <(curl -fsS "http://127.0.0.1:$NGINX_PORT/lesson.html") || die "nginx serves different bytes"

# run_wrk NAME URL PIDS [wrk options...] [-- script args...]: one wrk run; records the CPU the
# PIDS used.
run_wrk() {
	local name=$1 url=$2 pids=$3
	shift 3
	local c0 c1 pg0 pg1 t0 t1
	local pg_pids
	pg_pids=$(postgres_pids "$BENCH_DB")
	c0=$(cpu_ticks $pids)
	pg0=$(cpu_ticks $pg_pids)
	t0=$(date +%s.%N)
	local opts=() script_args=()
	while (($#)); do
		if [[ $1 == -- ]]; then
			shift
			script_args=(-- "$@")
			break
		fi
		opts+=("$1")
		shift
	done
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${opts[@]}" "$url" "${script_args[@]}" >"$out/$name.wrk" 2>&1 ||
		die "wrk $name failed: $(cat "$out/$name.wrk")"
	t1=$(date +%s.%N)
	c1=$(cpu_ticks $pids)
	pg1=$(cpu_ticks $pg_pids)
	local rps non2xx errs
	rps=$(wrk_field "$out/$name.wrk" requests)
	non2xx=$(wrk_field "$out/$name.wrk" non2xx)
	errs=$(wrk_field "$out/$name.wrk" errors)
	[[ $non2xx == 0 ]] || die "wrk $name: $non2xx answers were not 2xx/3xx (expired session?): $out/$name.wrk"
	# CPU per request, in microseconds, of the server under test and of PostgreSQL.
	local reqs
	reqs=$(awk -v r="$rps" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%d", r * (t1 - t0)}')
	local cpu_us pg_us
	cpu_us=$(awk -v d=$((c1 - c0)) -v n="$reqs" -v hz="$CLK_TCK" 'BEGIN {printf "%.0f", n ? d / hz * 1e6 / n : 0}')
	pg_us=$(awk -v d=$((pg1 - pg0)) -v n="$reqs" -v hz="$CLK_TCK" 'BEGIN {printf "%.0f", n ? d / hz * 1e6 / n : 0}')
	printf '%s %s %s %s %s %s %s\n' "$rps" "$(wrk_field "$out/$name.wrk" p50)" "$(wrk_field "$out/$name.wrk" p99)" \
		"$errs" "$cpu_us" "$pg_us" "$reqs"
}

url=$BENCH_BASE$LESSON_PATH
log "lesson: warm-up ($WARMUP)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "Cookie: $COOKIE" "$url" >/dev/null

secs=${DURATION%s}
sleep 1 # pg_stat_database is flushed about once a second
stat0=$(db_stat "$BENCH_DB")
profile lesson $((secs > 4 ? secs - 2 : secs))
log "lesson: wachsam, one learner: wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
read -r w_rps w_p50 w_p99 w_err w_cpu w_pg w_n < <(run_wrk wachsam "$url" "$WACHSAM_PID" -H "Cookie: $COOKIE")
sleep 1 # pg_stat_database is flushed about once a second
stat1=$(db_stat "$BENCH_DB")
read -r x0 r0 f0 i0 u0 <<<"$stat0"
read -r x1 r1 f1 i1 u1 <<<"$stat1"
per_req() { awk -v d="$1" -v n="$w_n" 'BEGIN {printf "%.2f", n ? d / n : 0}'; }
db_xacts=$(per_req $((x1 - x0)))
db_writes=$(per_req $((i1 - i0 + u1 - u0)))

log "lesson: nginx, static file: wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
ngx_pids=$(pgrep -P "$NGINX_PID" | tr '\n' ' ')
read -r n_rps n_p50 n_p99 n_err n_cpu _ _ < <(run_wrk nginx "http://127.0.0.1:$NGINX_PORT/lesson.html" "$NGINX_PID $ngx_pids")

result lesson_rps_ratio="$(ratio "$w_rps" "$n_rps")" wachsam_rps="$w_rps" nginx_rps="$n_rps" p99_ms="$w_p99" \
	p50_ms="$w_p50" nginx_p99_ms="$n_p99" html_bytes="$bytes" connections="$CONNECTIONS" duration="$DURATION" \
	wachsam_cpu_us_per_req="$w_cpu" postgres_cpu_us_per_req="$w_pg" nginx_cpu_us_per_req="$n_cpu" \
	db_statements_per_req="$db_xacts" db_rows_written_per_req="$db_writes" socket_errors="$w_err"

# --- Many learners: the same page for MULTI_LEARNERS different learners taking turns on every
# connection (rotating Cookie headers), as when a whole administration reads at once. This is the
# case that shows whether the page's statement is prepared once for everyone (bind parameters)
# or once per learner (values written into the SQL, which the driver's per-connection statement
# cache cannot hold for hundreds of learners).
if ((MULTI_LEARNERS > 0)); then
	log "lesson: preparing $MULTI_LEARNERS more learners (SQL) and signing them in"
	# A cheap argon2id hash (see cmd/submitload): signing in is not what is measured here.
	hash=$("$BENCH_WORK/submitload" -print-hash -password "$BENCH_PASSWORD")
	psql_q "$BENCH_DB" "
		WITH src AS (SELECT tenant_id FROM users WHERE email = '$BENCH_LEARNER_EMAIL'),
		     ins AS (INSERT INTO users (id, tenant_id, email, name, active, password_hash, created_at, updated_at)
		             SELECT gen_random_uuid(), src.tenant_id, 'reader-' || i || '@bench.example', 'Reader ' || i, true,
		                    '$hash', now(), now()
		             FROM src, generate_series(1, $MULTI_LEARNERS) AS i RETURNING id)
		INSERT INTO user_roles (user_id, role) SELECT id, 'learner' FROM ins" >/dev/null
	: >"$out/cookies-multi.txt"
	logins=()
	for i in $(seq "$MULTI_LEARNERS"); do
		(
			jar=$out/jar-reader-$i.txt
			web_login "reader-$i@bench.example" "$BENCH_PASSWORD" "$jar"
			c=$(cookie_header "$jar")
			code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: $c" "$url") # enrol + open once
			[[ $code == 200 ]] || die "reader-$i: GET $LESSON_PATH answered $code"
			echo "$c" >"$jar.header"
		) &
		logins+=($!)
		if ((${#logins[@]} >= 8)); then
			wait "${logins[@]}" || true
			logins=()
		fi
	done
	((${#logins[@]} == 0)) || wait "${logins[@]}" || true
	cat "$out"/jar-reader-*.txt.header >"$out/cookies-multi.txt"
	[[ $(wc -l <"$out/cookies-multi.txt") == "$MULTI_LEARNERS" ]] || die "not every reader signed in"
	cat >"$out/rotate.lua" <<'EOF'
-- Every request carries the next learner's cookies.
local cookies, i = {}, 0
function init(args)
  for line in io.lines(args[1]) do cookies[#cookies + 1] = line end
  i = math.random(#cookies)
end
function request()
  i = i % #cookies + 1
  return wrk.format(nil, nil, { ["Cookie"] = cookies[i] })
end
EOF
	profile lesson-multi $((secs > 4 ? secs - 2 : secs))
	log "lesson: wachsam, $MULTI_LEARNERS learners: wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
	read -r m_rps m_p50 m_p99 m_err m_cpu m_pg _ < <(run_wrk wachsam-multi "$url" "$WACHSAM_PID" -s "$out/rotate.lua" -- "$out/cookies-multi.txt")
	result lesson_multi_rps_ratio="$(ratio "$m_rps" "$n_rps")" learners="$MULTI_LEARNERS" wachsam_rps="$m_rps" nginx_rps="$n_rps" \
		p99_ms="$m_p99" p50_ms="$m_p50" wachsam_cpu_us_per_req="$m_cpu" postgres_cpu_us_per_req="$m_pg" socket_errors="$m_err"
fi

# --- The ceiling: the same middleware stack answering GET /healthz (no session, no database,
# no template). No page can be faster than this.
HEALTHZ_DURATION=${HEALTHZ_DURATION:-10s}
log "lesson: wachsam GET /healthz (framework ceiling): wrk -t$THREADS -c$CONNECTIONS -d$HEALTHZ_DURATION"
read -r h_rps _ h_p99 _ h_cpu _ _ < <(DURATION=$HEALTHZ_DURATION run_wrk healthz "$BENCH_BASE/healthz" "$WACHSAM_PID")
result healthz_rps_ratio="$(ratio "$h_rps" "$n_rps")" healthz_rps="$h_rps" nginx_rps="$n_rps" p99_ms="$h_p99" wachsam_cpu_us_per_req="$h_cpu"

for j in $(jobs -p); do # profile downloads
	[[ $j == "$NGINX_PID" ]] || wait "$j" 2>/dev/null || true
done
kill "$NGINX_PID" 2>/dev/null || true
wait "$NGINX_PID" 2>/dev/null || true
rm -f "$BENCH_WORK/nginx.pid"
