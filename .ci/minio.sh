# shellcheck shell=bash
# Starts a throwaway MinIO server for the S3 tests of internal/media and exports the
# WACHSAM_TEST_S3_* variables they read. With CI=true those tests fail rather than skip when
# the variables are missing, so .ci/run must source this file before `go test`.
#
# How to use it from .ci/run (works under `set -euo pipefail`):
#
#     section "MinIO (S3 tests)"
#     source .ci/minio.sh
#
# Source it AFTER .ci/run has set its own `trap ... EXIT`: this file appends `minio_cleanup`
# to the EXIT trap that is in force at that moment instead of replacing it. If a later line
# sets a new EXIT trap, that trap must call `minio_cleanup` itself, e.g.
#
#     trap 'other_cleanup; minio_cleanup' EXIT
#
# minio_cleanup is idempotent, so calling it twice does no harm.
#
# Installing: when `minio` is not on PATH it is built with `go install` at the pinned version
# below (the MinIO server publishes no tagged Go module versions any more; this pseudo-version
# is the one the Go proxy resolved as latest and that was tested). On a machine with an empty
# module cache that takes about 16 minutes, mostly downloading its dependencies; afterwards
# the binary in $(go env GOPATH)/bin is reused. MinIO is AGPL-licensed: it only runs here as
# a separate test server and is never linked into Wachsam.

MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
MINIO_ADDRESS="127.0.0.1:9000"
MINIO_CONSOLE_ADDRESS="127.0.0.1:9001"
# Fixed, test-only credentials for a server that listens on loopback and lives for one run.
MINIO_TEST_USER="wachsam"
MINIO_TEST_PASSWORD="wachsam-secret"

MINIO_PID=""
MINIO_DIR=""

# minio_cleanup stops the server started below and removes its data.
minio_cleanup() {
  if [ -n "${MINIO_PID:-}" ]; then
    kill "$MINIO_PID" 2>/dev/null || true
    wait "$MINIO_PID" 2>/dev/null || true
    MINIO_PID=""
  fi
  if [ -n "${MINIO_DIR:-}" ]; then
    rm -rf "$MINIO_DIR"
    MINIO_DIR=""
  fi
}

# minio_append_exit_trap adds minio_cleanup to whatever EXIT trap is set. `trap -p EXIT`
# prints `trap -- '<command>' EXIT` quoted for reuse, so eval-ing it into the positional
# parameters (local to this function) recovers the command exactly.
minio_append_exit_trap() {
  local previous=""
  if [ -n "$(trap -p EXIT)" ]; then
    eval "set -- $(trap -p EXIT)"
    previous="$3"
  fi
  if [ -n "$previous" ]; then
    trap "$previous"$'\n''minio_cleanup' EXIT
  else
    trap 'minio_cleanup' EXIT
  fi
}

minio_start() {
  local gobin
  gobin="$(go env GOPATH)/bin"
  case ":$PATH:" in
    *":$gobin:"*) ;;
    *) export PATH="$PATH:$gobin" ;;
  esac

  if ! command -v minio >/dev/null 2>&1; then
    echo "installing github.com/minio/minio@$MINIO_VERSION (slow on a fresh machine: ~16 min)"
    local started=$SECONDS
    # Outside the repo, so the install cannot touch Wachsam's go.mod.
    (cd / && go install "github.com/minio/minio@$MINIO_VERSION")
    echo "minio installed in $((SECONDS - started)) s"
  fi

  # A server already answering would be someone else's, with other credentials: the tests
  # would fail in confusing ways, so refuse instead.
  if curl -fsS "http://$MINIO_ADDRESS/minio/health/live" >/dev/null 2>&1; then
    echo "something already serves S3 on $MINIO_ADDRESS; stop it first" >&2
    return 1
  fi

  MINIO_DIR=$(mktemp -d /tmp/wachsam-minio.XXXXXX)
  minio_append_exit_trap
  MINIO_ROOT_USER="$MINIO_TEST_USER" MINIO_ROOT_PASSWORD="$MINIO_TEST_PASSWORD" \
    MINIO_BROWSER=off MINIO_UPDATE=off \
    minio server "$MINIO_DIR/data" --address "$MINIO_ADDRESS" \
    --console-address "$MINIO_CONSOLE_ADDRESS" --quiet >"$MINIO_DIR/minio.log" 2>&1 &
  MINIO_PID=$!

  local i
  for i in $(seq 1 60); do
    if curl -fsS "http://$MINIO_ADDRESS/minio/health/live" >/dev/null 2>&1; then
      echo "MinIO $(minio --version 2>/dev/null | head -n 1) is up on $MINIO_ADDRESS after ${i} s"
      export WACHSAM_TEST_S3_ENDPOINT="$MINIO_ADDRESS"
      export WACHSAM_TEST_S3_ACCESS_KEY="$MINIO_TEST_USER"
      export WACHSAM_TEST_S3_SECRET_KEY="$MINIO_TEST_PASSWORD"
      return 0
    fi
    if ! kill -0 "$MINIO_PID" 2>/dev/null; then
      break # it exited (port taken, bad flags): no point waiting the full minute
    fi
    sleep 1
  done
  echo "MinIO did not become live on $MINIO_ADDRESS; its log:" >&2
  cat "$MINIO_DIR/minio.log" >&2 || true
  minio_cleanup
  return 1
}

minio_start
