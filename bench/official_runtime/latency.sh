#!/usr/bin/env bash
# Inference latency of models in the OFFICIAL TFLite runtime (WASM, single thread, XNNPACK), to put
# next to tinyfit's own interpreter figures. N warm calls per model (after one warm-up call) on
# deterministic pseudo-random float inputs; prints one line per model: mean / median / p90 in ms.
#
#   usage: bench/official_runtime/latency.sh [-n N] [-b BUILD_DIR] [MODEL...]
#   default models: ../shared/peer_models/g7_kws_b.tflite.zlib and g3_22_kws_c.tflite; N = 200
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
n=200
build="$root/build"
while getopts "n:b:" opt; do
  case $opt in
    n) n=$OPTARG ;;
    b) build=$OPTARG ;;
    *) echo "usage: $0 [-n N] [-b BUILD_DIR] [MODEL...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [[ $# -eq 0 ]]; then
  set -- "$root/../shared/peer_models/g7_kws_b.tflite.zlib" "$root/../shared/peer_models/g3_22_kws_c.tflite"
fi

node_modules=$(bash "$root/tests/conformance/install.sh" "$build/conformance")
cli="$root/tests/conformance/official_runtime.js"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for model in "$@"; do
  block=$(node "$cli" --node-modules "$node_modules" --model "$model" --describe |
          node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).input_block_bytes))')
  # Uniform floats in [-5, 5] from a fixed LCG: the same bytes on every machine and run.
  node -e '
    const [bytes, n, out] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3]];
    const f = new Float32Array(bytes / 4 * n); let s = 12345;
    for (let i = 0; i < f.length; i++) { s = (Math.imul(s, 1103515245) + 12345) >>> 0; f[i] = (s / 4294967296) * 10 - 5; }
    require("fs").writeFileSync(out, Buffer.from(f.buffer));' "$block" "$n" "$work/in.bin"
  node "$cli" --node-modules "$node_modules" --model "$model" --input "$work/in.bin" --count "$n" \
       --output "$work/out.bin" --time |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s),l=r.latency_ms,d=r.runtime.delegate;
      console.log(`${require("path").basename(r.model)}: n=${l.n} mean ${l.mean} ms, median ${l.median} ms, p90 ${l.p90} ms` +
        ` (with I/O mean ${r.latency_with_io_ms.mean} ms; ${d.name}: ${d.delegated_nodes} delegated + ${d.other_nodes} other nodes)`)})'
done
