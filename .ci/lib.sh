# shellcheck shell=bash
# Helpers shared by the scripts .ci/run sources (minio.sh, mailpit.sh).

# ci_append_exit_trap CMD adds CMD to whatever EXIT trap is set instead of replacing it.
# `trap -p EXIT` prints `trap -- '<command>' EXIT` quoted for reuse, so eval-ing it into the
# positional parameters (local to this function) recovers the command exactly.
ci_append_exit_trap() {
  local cmd="$1" previous=""
  if [ -n "$(trap -p EXIT)" ]; then
    eval "set -- $(trap -p EXIT)"
    previous="$3"
  fi
  if [ -n "$previous" ]; then
    trap "$previous"$'\n'"$cmd" EXIT
  else
    trap "$cmd" EXIT
  fi
}

# ci_gobin_on_path puts `go install`'s target directory on PATH.
ci_gobin_on_path() {
  local gobin
  gobin="$(go env GOPATH)/bin"
  case ":$PATH:" in
    *":$gobin:"*) ;;
    *) export PATH="$PATH:$gobin" ;;
  esac
}
