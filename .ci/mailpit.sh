# shellcheck shell=bash
# Starts a throwaway mailpit (SMTP server with an HTTP API) for the e-mail tests and exports
# WACHSAM_TEST_SMTP and WACHSAM_TEST_MAILPIT, which they read. With CI=true those tests fail
# rather than skip when the variables are missing, so .ci/run sources this before `go test`.
#
# Source it after .ci/run has set its own EXIT trap (like minio.sh, it appends its cleanup).
# When `mailpit` is not on PATH it is built with `go install` at the pinned version (about a
# minute on 2 cores with a warm module proxy).

# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WACHSAM_MAILPIT_VERSION="v1.33.1"
WACHSAM_MAILPIT_SMTP="127.0.0.1:1025"
WACHSAM_MAILPIT_HTTP="127.0.0.1:8025"
WACHSAM_MAILPIT_PID=""
WACHSAM_MAILPIT_DIR=""

mailpit_cleanup() {
  if [ -n "${WACHSAM_MAILPIT_PID:-}" ]; then
    kill "$WACHSAM_MAILPIT_PID" 2>/dev/null || true
    wait "$WACHSAM_MAILPIT_PID" 2>/dev/null || true
    WACHSAM_MAILPIT_PID=""
  fi
  if [ -n "${WACHSAM_MAILPIT_DIR:-}" ]; then
    rm -rf "$WACHSAM_MAILPIT_DIR"
    WACHSAM_MAILPIT_DIR=""
  fi
}

mailpit_start() {
  ci_gobin_on_path
  if ! command -v mailpit >/dev/null 2>&1; then
    echo "installing github.com/axllent/mailpit@$WACHSAM_MAILPIT_VERSION"
    (cd / && go install "github.com/axllent/mailpit@$WACHSAM_MAILPIT_VERSION")
  fi
  if curl -fsS "http://$WACHSAM_MAILPIT_HTTP/api/v1/info" >/dev/null 2>&1; then
    echo "something already serves on $WACHSAM_MAILPIT_HTTP; stop it first" >&2
    return 1
  fi
  WACHSAM_MAILPIT_DIR=$(mktemp -d /tmp/wachsam-mailpit.XXXXXX)
  ci_append_exit_trap mailpit_cleanup
  mailpit --smtp "$WACHSAM_MAILPIT_SMTP" --listen "$WACHSAM_MAILPIT_HTTP" \
    --database "$WACHSAM_MAILPIT_DIR/mailpit.db" --max 20000 --disable-version-check \
    >"$WACHSAM_MAILPIT_DIR/mailpit.log" 2>&1 &
  WACHSAM_MAILPIT_PID=$!
  local i
  for i in $(seq 1 30); do
    if curl -fsS "http://$WACHSAM_MAILPIT_HTTP/api/v1/info" >/dev/null 2>&1; then
      echo "mailpit is up (SMTP $WACHSAM_MAILPIT_SMTP, API $WACHSAM_MAILPIT_HTTP) after ${i} s"
      export WACHSAM_TEST_SMTP="$WACHSAM_MAILPIT_SMTP"
      export WACHSAM_TEST_MAILPIT="http://$WACHSAM_MAILPIT_HTTP"
      return 0
    fi
    kill -0 "$WACHSAM_MAILPIT_PID" 2>/dev/null || break
    sleep 1
  done
  echo "mailpit did not start; its log:" >&2
  cat "$WACHSAM_MAILPIT_DIR/mailpit.log" >&2 || true
  mailpit_cleanup
  return 1
}

mailpit_start
