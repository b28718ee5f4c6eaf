#!/usr/bin/env bash
# Runs `terraform test` for this module against the mock Harness, in one
# command (`make module-test` runs it from the repository root):
#
#   1. builds the provider and harness-mock from this repository;
#   2. starts harness-mock on a free port of 127.0.0.1;
#   3. points terraform at the freshly built provider through dev_overrides in
#      a throw-away CLI configuration (never your own), and the provider at the
#      mock through HARNESS_ENDPOINT, HARNESS_ACCOUNT_ID and
#      HARNESS_PLATFORM_API_KEY;
#   4. runs `terraform test` on a copy of this directory;
#   5. stops the mock and removes everything it made, also on failure or ^C.
#
# Arguments go to `terraform test` (for example -verbose or -filter=...).
# TERRAFORM=/path/to/terraform picks another terraform binary (1.10 or newer).
# Nothing is downloaded: terraform must be installed, Go modules come from the
# module cache or proxy as for any build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tf="${TERRAFORM:-terraform}"
if ! command -v "$tf" >/dev/null 2>&1; then
  echo "module-test: the terraform CLI (1.10 or newer) is not on PATH; it is never downloaded." >&2
  exit 1
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/harness-module-test.XXXXXX")"
mock_pid=""
cleanup() {
  status=$?
  if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -s "$tmp/mock.log" ]; then
    echo "module-test: last requests the mock answered:" >&2
    tail -n 20 "$tmp/mock.log" >&2
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "==> Building the provider and harness-mock"
(cd "$root" && go build -o "$tmp/bin/terraform-provider-harness" . &&
  go build -o "$tmp/harness-mock" ./internal/cmd/harness-mock)

echo "==> Starting harness-mock on 127.0.0.1"
"$tmp/harness-mock" -listen 127.0.0.1:0 >"$tmp/mock.url" 2>"$tmp/mock.log" &
mock_pid=$!
# The mock prints its base URL as the first line on stdout once it listens,
# and "harness-mock: export HARNESS_ENDPOINT=... HARNESS_ACCOUNT_ID=...
# HARNESS_PLATFORM_API_KEY=..." on stderr.
for _ in $(seq 1 100); do
  if [ -s "$tmp/mock.url" ] && grep -q '^harness-mock: export ' "$tmp/mock.log"; then
    break
  fi
  if ! kill -0 "$mock_pid" 2>/dev/null; then
    echo "module-test: harness-mock exited before it listened:" >&2
    cat "$tmp/mock.log" >&2
    exit 1
  fi
  sleep 0.1
done
endpoint="$(head -n 1 "$tmp/mock.url")"
exports="$(grep -m 1 '^harness-mock: export ' "$tmp/mock.log" || true)"
account="$(sed -n 's/.* HARNESS_ACCOUNT_ID=\([^ ]*\).*/\1/p' <<<"$exports")"
token="$(sed -n 's/.* HARNESS_PLATFORM_API_KEY=\([^ ]*\).*/\1/p' <<<"$exports")"
case "$endpoint" in
  http://127.0.0.1:*) ;;
  *)
    echo "module-test: harness-mock did not report a loopback URL (got \"$endpoint\")" >&2
    exit 1
    ;;
esac
if [ -z "$account" ] || [ -z "$token" ]; then
  echo "module-test: harness-mock did not report its account and token" >&2
  exit 1
fi
echo "mock Harness at $endpoint, account $account"

# dev_overrides makes terraform use the provider just built, without
# `terraform init` and without touching the user's CLI configuration.
cat >"$tmp/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "harness-scim/harness" = "$tmp/bin"
  }
  direct {}
}
EOF

# Test a copy, so no .terraform or state is left in the repository.
mkdir -p "$tmp/module"
cp -R "$here"/*.tf "$here/tests" "$tmp/module/"

cd "$tmp/module"
export TF_CLI_CONFIG_FILE="$tmp/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export HARNESS_ENDPOINT="$endpoint" HARNESS_ACCOUNT_ID="$account" HARNESS_PLATFORM_API_KEY="$token"
color=()
[ -t 1 ] || color=(-no-color)
# Record the local helper module of tests/ (`terraform get` installs modules
# only; `terraform init` would look the dev_overrides provider up in the
# registry).
"$tf" get "${color[@]}" >/dev/null
echo "==> terraform test"
"$tf" test "${color[@]}" "$@"
