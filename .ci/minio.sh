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
# below. MinIO tags its releases RELEASE.<date>, which Go cannot use as module versions, so
# the pin is the pseudo-version the Go proxy resolved as latest (and that the tests passed
# with). With an empty module cache that install took 16 minutes here (about 13 downloading
# modules, 3.5 compiling on 2 cores); afterwards the binary in $(go env GOPATH)/bin is
# reused. MinIO is AGPL-licensed: it only runs here as a separate test server and is never
# linked into Wachsam.

# Names start with WACHSAM_ so that none can be mistaken for MinIO's own MINIO_* settings.
# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WACHSAM_MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
WACHSAM_MINIO_ADDRESS="127.0.0.1:9000"
WACHSAM_MINIO_CONSOLE_ADDRESS="127.0.0.1:9001"
# Fixed, test-only credentials for a server that listens on loopback and lives for one run.
WACHSAM_MINIO_TEST_USER="wachsam"
WACHSAM_MINIO_TEST_PASSWORD="wachsam-secret"

WACHSAM_MINIO_PID=""
WACHSAM_MINIO_DIR=""

# minio_cleanup stops the server started below and removes its data.
minio_cleanup() {
  if [ -n "${WACHSAM_MINIO_PID:-}" ]; then
    kill "$WACHSAM_MINIO_PID" 2>/dev/null || true
    wait "$WACHSAM_MINIO_PID" 2>/dev/null || true
    WACHSAM_MINIO_PID=""
  fi
  if [ -n "${WACHSAM_MINIO_DIR:-}" ]; then
    rm -rf "$WACHSAM_MINIO_DIR"
    WACHSAM_MINIO_DIR=""
  fi
}

minio_start() {
  ci_gobin_on_path

  if ! command -v minio >/dev/null 2>&1; then
    echo "installing github.com/minio/minio@$WACHSAM_MINIO_VERSION (slow on a fresh machine: ~16 min)"
    local started=$SECONDS
    # Outside the repo, so the install cannot touch Wachsam's go.mod.
    (cd / && go install "github.com/minio/minio@$WACHSAM_MINIO_VERSION")
    echo "minio installed in $((SECONDS - started)) s"
  fi

  # A server already answering would be someone else's, with other credentials: the tests
  # would fail in confusing ways, so refuse instead.
  if curl -fsS "http://$WACHSAM_MINIO_ADDRESS/minio/health/live" >/dev/null 2>&1; then
    echo "something already serves S3 on $WACHSAM_MINIO_ADDRESS; stop it first" >&2
    return 1
  fi

  WACHSAM_MINIO_DIR=$(mktemp -d /tmp/wachsam-minio.XXXXXX)
  ci_append_exit_trap minio_cleanup
  MINIO_ROOT_USER="$WACHSAM_MINIO_TEST_USER" MINIO_ROOT_PASSWORD="$WACHSAM_MINIO_TEST_PASSWORD" \
    MINIO_BROWSER=off MINIO_UPDATE=off \
    minio server "$WACHSAM_MINIO_DIR/data" --address "$WACHSAM_MINIO_ADDRESS" \
    --console-address "$WACHSAM_MINIO_CONSOLE_ADDRESS" --quiet >"$WACHSAM_MINIO_DIR/minio.log" 2>&1 &
  WACHSAM_MINIO_PID=$!

  local i
  for i in $(seq 1 60); do
    if curl -fsS "http://$WACHSAM_MINIO_ADDRESS/minio/health/live" >/dev/null 2>&1; then
      echo "MinIO is up on $WACHSAM_MINIO_ADDRESS after ${i} s"
      export WACHSAM_TEST_S3_ENDPOINT="$WACHSAM_MINIO_ADDRESS"
      export WACHSAM_TEST_S3_ACCESS_KEY="$WACHSAM_MINIO_TEST_USER"
      export WACHSAM_TEST_S3_SECRET_KEY="$WACHSAM_MINIO_TEST_PASSWORD"
      return 0
    fi
    if ! kill -0 "$WACHSAM_MINIO_PID" 2>/dev/null; then
      break # it exited (port taken, bad flags): no point waiting the full minute
    fi
    sleep 1
  done
  echo "MinIO did not become live on $WACHSAM_MINIO_ADDRESS; its log:" >&2
  cat "$WACHSAM_MINIO_DIR/minio.log" >&2 || true
  minio_cleanup
  return 1
}

minio_start
