#!/usr/bin/env node
'use strict';
// Runs a .tflite model in the OFFICIAL TensorFlow Lite runtime (WASM build from @tensorflow/tfjs-tflite,
// single thread, XNNPACK as the package applies it) so our own interpreter can be compared against it.
//
//   node official_runtime.js --model M.tflite[.zlib] --input IN.bin --count N --output OUT.bin
//        [--threads 1] [--time] [--node-modules DIR]
//   node official_runtime.js --model M.tflite[.zlib] --describe     (tensor names/dtypes/shapes only)
//
// IN.bin holds N blocks; block i is inference i's input: all input tensors' raw bytes (little-endian,
// each tensor's own dtype) concatenated in the model's input order. OUT.bin receives, per inference,
// all output tensors' raw bytes concatenated in output order. stdout gets one JSON line.

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { loadOfficialRuntime, delegateReport } = require('./tflite_web_runtime');
const { summarize } = require('./latency_stats');

const USAGE = 'usage: node official_runtime.js --model M.tflite[.zlib] --input IN.bin --count N ' +
  '--output OUT.bin [--threads 1] [--time] [--node-modules DIR]\n' +
  '       node official_runtime.js --model M.tflite[.zlib] --describe [--node-modules DIR]';

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { threads: 1, time: false, describe: false };
  const valued = { '--model': 'model', '--input': 'input', '--count': 'count', '--output': 'output',
    '--threads': 'threads', '--node-modules': 'nodeModules' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--time') opts.time = true;
    else if (a === '--describe') opts.describe = true;
    else if (a === '-h' || a === '--help') { process.stdout.write(USAGE + '\n'); process.exit(0); }
    else if (valued[a]) {
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
      opts[valued[a]] = argv[++i];
    } else throw new UsageError(`unknown argument ${a}`);
  }
  if (!opts.model) throw new UsageError('--model is required');
  opts.threads = Number(opts.threads);
  // The harness hides SharedArrayBuffer, so the package loads its single-threaded build; asking for
  // more threads would silently run on one, which would make latency reports misleading.
  if (opts.threads !== 1) throw new UsageError('--threads: only 1 is supported (single-threaded WASM build)');
  if (opts.describe) return opts;
  for (const k of ['input', 'output', 'count']) if (opts[k] === undefined) throw new UsageError(`--${k} is required`);
  opts.count = Number(opts.count);
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new UsageError('--count must be a positive integer');
  return opts;
}

// Plain .tflite files carry the FlatBuffer identifier "TFL3" at byte 4; anything else is taken to be
// a zlib stream (how the peer models were shipped).
function readModel(file) {
  const raw = fs.readFileSync(file);
  if (raw.length >= 8 && raw.toString('latin1', 4, 8) === 'TFL3') return { bytes: raw, compressed: false };
  let bytes;
  try {
    bytes = zlib.inflateSync(raw);
  } catch (e) {
    throw new Error(`${file}: neither a TFLite file (no TFL3 identifier) nor a zlib stream (${e.message})`);
  }
  if (bytes.length < 8 || bytes.toString('latin1', 4, 8) !== 'TFL3') {
    throw new Error(`${file}: inflated data is not a TFLite file (no TFL3 identifier)`);
  }
  return { bytes, compressed: true };
}

// The runtime may reallocate tensors inside infer() (models whose output shape is computed at run
// time), so views are never cached: every access goes through getInputs()/getOutputs().
// Their elements are Embind handles to C++ copies, freed with delete() once we are done with them.
function withTensors(list, fn) {
  try {
    return fn(list);
  } finally {
    for (const t of list) if (typeof t.delete === 'function') t.delete();
  }
}
function bytesOf(typed) {
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}
function describe(list) {
  return withTensors(list, (ts) => ts.map((t) => ({
    name: t.name, dtype: t.dataType,
    shape: t.shape === '' ? [] : String(t.shape).split(',').map(Number),
    bytes: t.data().byteLength,
  })));
}

function writeInputs(runner, block) {
  withTensors(runner.getInputs(), (ts) => {
    let off = 0;
    for (const t of ts) {
      const dst = bytesOf(t.data());
      dst.set(block.subarray(off, off + dst.length));
      off += dst.length;
    }
  });
}
function readOutputs(runner) {
  return withTensors(runner.getOutputs(), (ts) => Buffer.concat(ts.map((t) => Buffer.from(bytesOf(t.data())))));
}
function infer(runner) {
  if (!runner.infer()) throw new Error('infer() reported failure');
}

async function createRunner(rt, opts, model, extra = {}) {
  // create() copies the model into the WASM heap; hand it an ArrayBuffer of exactly the model bytes.
  const buf = model.bytes.buffer.slice(model.bytes.byteOffset, model.bytes.byteOffset + model.bytes.length);
  try {
    return await rt.tfweb.TFLiteWebModelRunner.create(buf, { numThreads: opts.threads, ...extra });
  } catch (e) {
    const hint = rt.glueFile ? '' : ' (the WASM runtime itself did not load)';
    throw new Error(`cannot load model ${opts.model}${hint}: ${e && e.message ? e.message : e}`);
  }
}

// The execution plan as the runtime profiler sees it: one entry per executed node, where a node
// that XNNPACK took over appears as "TfLiteXNNPackDelegate". Run on a separate runner so profiling
// never touches the timed runs.
async function executionPlan(rt, opts, model, firstBlock) {
  const runner = await createRunner(rt, opts, model, { enableProfiling: true });
  try {
    writeInputs(runner, firstBlock);
    infer(runner);
    return runner.getProfilingResults().map((p) => p.nodeType);
  } finally {
    runner.cleanUp();
  }
}

function runtimeInfo(rt, opts, plan) {
  const log = delegateReport(rt.runtimeLog);
  const delegated = plan.filter((t) => /Delegate/i.test(t)).length;
  return {
    package: '@tensorflow/tfjs-tflite', wasm: rt.glueFile ? path.basename(rt.glueFile) : null,
    threads: opts.threads,
    delegate: { name: log.name, created: log.created, delegated_nodes: delegated,
      other_nodes: plan.length - delegated, plan },
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const model = readModel(opts.model);
  const input = opts.describe ? null : fs.readFileSync(opts.input);

  const rt = await loadOfficialRuntime(opts.nodeModules, { optimizeForTiming: opts.time });
  const runner = await createRunner(rt, opts, model);
  const inputs = describe(runner.getInputs());
  const inBytes = inputs.reduce((s, t) => s + t.bytes, 0);
  const result = { model: opts.model, compressed: model.compressed, model_bytes: model.bytes.length };

  if (opts.describe) {
    // Output shapes can be computed at run time, so report them after one invoke on zeros.
    infer(runner);
    const plan = await executionPlan(rt, opts, model, new Uint8Array(inBytes));
    Object.assign(result, { runtime: runtimeInfo(rt, opts, plan), inputs, outputs: describe(runner.getOutputs()),
      input_block_bytes: inBytes, output_block_bytes: readOutputs(runner).length });
    runner.cleanUp();
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }

  if (input.length !== opts.count * inBytes) {
    throw new Error(`${opts.input}: ${input.length} bytes, expected --count ${opts.count} x ${inBytes} ` +
      `(${inputs.map((t) => `${t.name} ${t.dtype}[${t.shape}]`).join(' + ')}) = ${opts.count * inBytes}`);
  }
  const block = (i) => input.subarray(i * inBytes, (i + 1) * inBytes);

  const inferNs = [];
  const withIoNs = [];
  if (opts.time) { writeInputs(runner, block(0)); infer(runner); readOutputs(runner); } // warm-up
  const outs = [];
  for (let i = 0; i < opts.count; i++) {
    const t0 = process.hrtime.bigint();
    writeInputs(runner, block(i));
    const t1 = process.hrtime.bigint();
    infer(runner);
    const t2 = process.hrtime.bigint();
    outs.push(readOutputs(runner));
    const t3 = process.hrtime.bigint();
    inferNs.push(t2 - t1);
    withIoNs.push(t3 - t0);
  }
  // Output sizes are fixed after the first invoke even for run-time-shaped outputs; a change means
  // the consumer could not split OUT.bin, so treat it as an error.
  if (outs.some((o) => o.length !== outs[0].length)) throw new Error('output size changed between inferences');
  fs.writeFileSync(opts.output, Buffer.concat(outs));

  const plan = await executionPlan(rt, opts, model, block(0));
  Object.assign(result, { runtime: runtimeInfo(rt, opts, plan), inputs, outputs: describe(runner.getOutputs()),
    count: opts.count, input_block_bytes: inBytes, output_block_bytes: outs[0].length });
  if (opts.time) {
    // infer(): invoke only; with_io: copy the input in, invoke, copy the outputs out.
    result.latency_ms = summarize(inferNs);
    result.latency_with_io_ms = summarize(withIoNs);
  }
  runner.cleanUp();
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => {
  process.stderr.write(`official_runtime.js: error: ${e && e.message ? e.message : e}\n`);
  if (e instanceof UsageError) process.stderr.write(USAGE + '\n');
  process.exit(e instanceof UsageError ? 2 : 1);
});
