'use strict';
// Loads the official TensorFlow Lite runtime (the WebAssembly build inside the npm package
// @tensorflow/tfjs-tflite) into Node without a browser and without @tensorflow/tfjs-core.
//
// The package's wasm/tflite_web_api_client.js is a Closure-compiled browser script. When evaluated it
// immediately starts loading the Emscripten glue (tflite_web_api_cc*.js) and the .wasm. It believes
// it runs in a web worker because `window` is undefined in Node, so it expects what a worker has:
//   self            the global object; the glue's factory is looked up as self.<name>_ModuleFactory
//   importScripts   used to evaluate the glue script (we evaluate the file from the package's wasm/)
//   location        href/origin; the glue URL is built from the directory of location.href
//   fetch           the glue fetches the .wasm and compiles it with instantiateStreaming, which
//                   requires a Response whose content type is application/wasm
//   exports         the client's last statement is `exports.tfweb = tfweb`
// and we must hide SharedArrayBuffer: with it, the client's feature probe picks the multi-threaded
// build, which needs real Worker threads that we do not provide. Without it, it picks the
// single-threaded SIMD build (tflite_web_api_cc_simd.*; XNNPACK is linked in and applied by default).

const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { pathToFileURL, fileURLToPath } = require('url');

const PACKAGE = '@tensorflow/tfjs-tflite';

// Finds the package's wasm/ folder. Search order: explicit node_modules dir, the
// TINYFIT_CONFORMANCE_NODE_MODULES environment variable, then Node's normal resolution (NODE_PATH,
// parent folders).
function findWasmDir(nodeModulesDir) {
  const candidates = [];
  if (nodeModulesDir) candidates.push(nodeModulesDir);
  if (process.env.TINYFIT_CONFORMANCE_NODE_MODULES) {
    candidates.push(process.env.TINYFIT_CONFORMANCE_NODE_MODULES);
  }
  for (const dir of candidates) {
    const wasmDir = path.join(path.resolve(dir), PACKAGE, 'wasm');
    if (fs.existsSync(path.join(wasmDir, 'tflite_web_api_client.js'))) return wasmDir;
  }
  try {
    const pkgJson = require.resolve(`${PACKAGE}/package.json`);
    return path.join(path.dirname(pkgJson), 'wasm');
  } catch (e) {
    const where = candidates.length ? ` (looked in ${candidates.join(', ')} and NODE_PATH)` : '';
    throw new Error(`cannot find ${PACKAGE}${where}; run tests/conformance/install.sh <dir> ` +
                    'and pass --node-modules <dir>/node_modules');
  }
}

// Serves files from wasmDir only; anything else (e.g. a URL) is refused, so the harness can never
// touch the network.
function makeFetch(wasmDir) {
  return async function fetchFromPackage(url) {
    const file = String(url).startsWith('file:') ? fileURLToPath(String(url)) : String(url);
    const resolved = path.resolve(file);
    if (path.dirname(resolved) !== wasmDir) {
      throw new Error(`official runtime harness: refusing to fetch ${url}`);
    }
    const bytes = await fs.promises.readFile(resolved);
    const type = resolved.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    return new Response(bytes, { status: 200, headers: { 'content-type': type } });
  };
}

// Lines the runtime printed (TFLite logs such as "Created TensorFlow Lite XNNPACK delegate for CPU.").
// Emscripten binds console.log / console.warn when its factory runs, so we install the capturing
// versions before evaluating the client. They go to stderr: stdout is reserved for the JSON result.
const runtimeLog = [];
function captureConsole() {
  const sink = (...args) => {
    const line = args.map(String).join(' ');
    runtimeLog.push(line);
    if (process.env.TINYFIT_CONFORMANCE_VERBOSE) process.stderr.write(`[tflite] ${line}\n`);
  };
  console.log = sink;
  console.info = sink;
  console.warn = sink;
}

// V8 first runs WebAssembly through its baseline compiler (Liftoff) and swaps in optimised code in
// the background after a function got hot: g7_kws_b takes ~100 calls (~1.4 ms -> 0.9 ms per call)
// to settle. Turning Liftoff off makes the first call compile the used functions optimised, so a
// single warm-up call gives steady-state latency. It must be set before the module is compiled, and
// costs ~0.4 s of start-up, so only timing runs ask for it. Results are the same either way
// (WebAssembly semantics do not depend on the compiler tier).
function preferOptimizedWasm() {
  require('v8').setFlagsFromString('--no-liftoff');
}

let loaded = null;

// Returns { tfweb, wasmDir, glueFile, runtimeLog }. Idempotent (the first call's options win).
async function loadOfficialRuntime(nodeModulesDir, { optimizeForTiming = false } = {}) {
  if (loaded) return loaded;
  const wasmDir = findWasmDir(nodeModulesDir);
  let gluePath = null;

  if (optimizeForTiming) preferOptimizedWasm();
  captureConsole();
  delete globalThis.SharedArrayBuffer;
  globalThis.self = globalThis;
  globalThis.exports = {};
  // A file name inside wasm/: the client takes the directory part of href as the glue's base URL.
  const href = pathToFileURL(path.join(wasmDir, 'index.html')).href;
  globalThis.location = { href, origin: 'file://' };
  globalThis.fetch = makeFetch(wasmDir);
  globalThis.importScripts = (...urls) => {
    for (const url of urls) {
      const file = fileURLToPath(String(url));
      if (path.dirname(file) !== wasmDir) throw new Error(`refusing to import ${url}`);
      gluePath = file;
      vm.runInThisContext(fs.readFileSync(file, 'utf8'), { filename: file });
    }
  };

  const clientPath = path.join(wasmDir, 'tflite_web_api_client.js');
  vm.runInThisContext(fs.readFileSync(clientPath, 'utf8'), { filename: clientPath });
  const tfweb = globalThis.exports.tfweb || globalThis.tfweb;
  if (!tfweb || !tfweb.TFLiteWebModelRunner) {
    throw new Error(`${clientPath} did not define tfweb.TFLiteWebModelRunner`);
  }
  loaded = { tfweb, wasmDir, runtimeLog, get glueFile() { return gluePath; } };
  return loaded;
}

// Parses the runtime's own log for the delegate it applied, e.g.
// "Replacing 7 node(s) with delegate (TfLiteXNNPackDelegate) node, yielding 1 partitions."
function delegateReport(log) {
  const created = log.filter((l) => /Created TensorFlow Lite .*delegate/.test(l));
  const replacing = log.map((l) => /Replacing (\d+) node\(s\) with delegate \(([^)]*)\) node, yielding (\d+) partitions/.exec(l))
    .filter(Boolean)
    .map((m) => ({ delegate: m[2], nodes: Number(m[1]), partitions: Number(m[3]) }));
  let name = 'none reported';
  if (replacing.length) name = replacing[0].delegate;
  else if (created.length) name = created[0].replace(/^.*Created TensorFlow Lite (.*) delegate.*$/, '$1');
  return { name, created: created.length > 0, replaced: replacing };
}

module.exports = { loadOfficialRuntime, delegateReport, findWasmDir };
