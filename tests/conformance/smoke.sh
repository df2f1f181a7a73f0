#!/usr/bin/env bash
# CTest entry official_runtime_smoke: install the official runtime into the build tree (install.sh),
# then run smoke_check.js over the peer models. Exit 77 = skipped (no registry / no node / no models).
#   usage: smoke.sh CONFORMANCE_DIR PEER_MODELS_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
conf_dir=${1:?usage: smoke.sh CONFORMANCE_DIR PEER_MODELS_DIR}
models_dir=${2:?usage: smoke.sh CONFORMANCE_DIR PEER_MODELS_DIR}

if [[ ! -d "$models_dir" ]]; then
  echo "SKIPPED: peer models not found at $models_dir"
  exit 77
fi

node_modules=$(bash "$here/install.sh" "$conf_dir")
rc=$?
if [[ $rc -ne 0 ]]; then
  echo "$node_modules"   # the SKIPPED: line, if any
  exit $rc
fi
exec node "$here/smoke_check.js" --models "$models_dir" --node-modules "$node_modules" --work "$conf_dir/smoke"
