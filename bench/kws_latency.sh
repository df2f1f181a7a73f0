#!/usr/bin/env bash
# Inference latency of the KWS peer models in one run: tinyfit's fast path, tinyfit's reference path
# (Google Benchmark, bench/interpreter_bench) and the official TFLite runtime (WASM under Node,
# bench/official_runtime/latency.sh), with the speed-up of the fast path over the official runtime.
#
#   usage: bench/kws_latency.sh [BUILD_DIR]     (default: build; needs the bench targets built)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
models=(g7_kws_b.tflite.zlib g3_22_kws_c.tflite)

filter=$(IFS='|'; echo "BM_Model/(${models[*]})")
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$build/bench/interpreter_bench" --benchmark_filter="$filter" --benchmark_min_time=0.5 \
  --benchmark_format=json >"$json" 2>/dev/null
official=$(bash "$root/bench/official_runtime/latency.sh" -n 300 -b "$build" \
  "${models[@]/#/$root/../shared/peer_models/}")

/usr/bin/python3 - "$json" "$official" "${models[@]}" <<'PY'
import json, re, sys
bench = {b["name"]: b["real_time"] / 1e6 for b in json.load(open(sys.argv[1]))["benchmarks"]}  # ns -> ms
official = {}
for line in sys.argv[2].splitlines():
    m = re.search(r"(\S+\.tflite(?:\.zlib)?)\S*\s.*?mean\s+([0-9.]+)", line)
    if m: official[m.group(1).split("/")[-1]] = float(m.group(2))
print(f"{'model':24} {'fast ms':>9} {'ref ms':>9} {'official ms':>12} {'official/fast':>14}")
for name in sys.argv[3:]:
    fast, ref = bench.get(f"BM_Model/{name}/fast"), bench.get(f"BM_Model/{name}/ref")
    off = official.get(name)
    ratio = f"{off / fast:.2f}x" if off and fast else "-"
    print(f"{name:24} {fast or float('nan'):9.4f} {ref or float('nan'):9.4f} {off or float('nan'):12.4f} {ratio:>14}")
PY
