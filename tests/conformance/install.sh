#!/usr/bin/env bash
# Installs the pinned official TFLite runtime (npm package @tensorflow/tfjs-tflite) into DIR — a folder
# in the BUILD tree, never the source tree — and prints DIR/node_modules on stdout (the only stdout
# line; npm's own output goes to stderr). Safe to call from several tests at once and cheap when the
# install is already there.
#
#   usage: install.sh DIR
#   exit 0   installed (or already up to date); stdout = absolute path of DIR/node_modules
#   exit 77  the npm registry cannot be reached (stdout: "SKIPPED: npm registry unreachable: <reason>")
#            or node/npm are missing ("SKIPPED: ..."); map 77 to a skip (CTest SKIP_RETURN_CODE 77)
#   exit 1   any other failure
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -ne 1 ]]; then
  echo "usage: $0 DIR" >&2
  exit 1
fi
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIPPED: $tool not found on PATH (the official-runtime harness needs Node.js >= 18 and npm)"
    exit 77
  fi
done

mkdir -p "$1" || exit 1
dir=$(cd "$1" && pwd)
package_marker="$dir/node_modules/@tensorflow/tfjs-tflite/wasm/tflite_web_api_client.js"

# Serialise concurrent callers (ctest -j): npm ci deletes node_modules before it writes it again.
exec 9>"$dir/.install.lock"
flock 9

# The stamp records which manifest the current node_modules came from, so a changed pin reinstalls.
want_stamp=$(cat "$here/package.json" "$here/package-lock.json" "$here/.npmrc" | sha256sum | cut -d' ' -f1)
if [[ -f "$package_marker" && -f "$dir/.install-stamp" && "$(cat "$dir/.install-stamp")" == "$want_stamp" ]]; then
  echo "$dir/node_modules"
  exit 0
fi

# npm ci installs exactly the lock file. .npmrc (legacy-peer-deps) keeps npm from adding the
# package's peer dependency @tensorflow/tfjs-core, which the harness does not use.
cp "$here/package.json" "$here/package-lock.json" "$here/.npmrc" "$dir/" || exit 1
rm -f "$dir/.install-stamp"
log="$dir/npm-install.log"
start=$EPOCHREALTIME
# --prefer-offline: use the npm cache when it has the (integrity-checked) tarball; few short retries
# so an unreachable registry is reported within about a minute instead of npm's default minutes.
if npm ci --prefix "$dir" --prefer-offline --no-audit --no-fund --legacy-peer-deps \
     --fetch-retries=2 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=10000 \
     --fetch-timeout=60000 >"$log" 2>&1 && [[ -f "$package_marker" ]]; then
  echo "$want_stamp" >"$dir/.install-stamp"
  awk -v s="$start" -v e="$EPOCHREALTIME" -v d="$dir/node_modules" \
    'BEGIN { printf "official runtime installed into %s in %.1f s\n", d, e - s }' >&2
  echo "$dir/node_modules"
  exit 0
fi

cat "$log" >&2
# Network failures (no DNS, refused, timed out, no route, proxy/TLS trouble) mean "cannot test here",
# not "broken": report them as a skip with npm's own reason.
reason=$(grep -m1 -oE 'request to [^ ]+ failed, reason: .*' "$log")
[[ -n "$reason" ]] || reason=$(grep -m1 -oE '(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ENETDOWN|ERR_SOCKET_TIMEOUT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)' "$log")
if [[ -n "$reason" ]]; then
  echo "SKIPPED: npm registry unreachable: $reason"
  exit 77
fi
echo "install.sh: npm ci failed (log: $log)" >&2
exit 1
