#!/usr/bin/env node
'use strict';
// Smoke test of the official-runtime harness: runs every model in the peer-model folder through
// official_runtime.js (as separate processes, exactly as other tests will call it) on deterministic
// pseudo-random inputs and checks properties that hold whatever the input:
//   - outputs are finite; two processes on the same input agree bit for bit, and so do two
//     inferences on the same input within one process;
//   - KWS models give 8 values per clip; when those are probabilities they sum to ~1 (the peer
//     models end in logits, so then we only require that the 8 logits are not all equal);
//   - forecasting models give 12 values (6 steps x T, RH), different inputs give different
//     outputs, and G7's are not all zero: their output shape is computed at run time, and a stale
//     typed-array view reads zeros (peer_models/README "Harness note");
// plus the CLI's error paths (wrong input size, corrupt model).
//
//   node smoke_check.js --models DIR --node-modules DIR --work DIR
// Ends with the line "N passed, N failed"; exit 1 if anything failed.

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const CLI = path.join(__dirname, 'official_runtime.js');

function args() {
  const o = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) o[a[i].replace(/^--/, '')] = a[i + 1];
  for (const k of ['models', 'node-modules', 'work']) {
    if (!o[k]) { console.error(`smoke_check.js: --${k} is required`); process.exit(2); }
  }
  return o;
}
const opts = args();
fs.mkdirSync(opts.work, { recursive: true });

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}

function runCli(extra) {
  const r = spawnSync(process.execPath, [CLI, '--node-modules', opts['node-modules'], ...extra],
    { encoding: 'utf8', timeout: 120000 });
  let json = null;
  if (r.status === 0) {
    try { json = JSON.parse(r.stdout.trim().split('\n').pop()); } catch (e) { /* reported below */ }
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

// mulberry32: tiny seeded PRNG so inputs are the same on every machine.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function seedOf(text) { // FNV-1a
  let h = 0x811c9dc5;
  for (const c of Buffer.from(text)) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return h;
}

const TYPED = { float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array,
  int16: Int16Array, int32: Int32Array, uint32: Uint32Array, bool: Uint8Array };

// One input block: every input tensor filled in its own dtype (floats in [-scale, scale]).
function randomBlock(inputs, rand, scale) {
  const parts = inputs.map((t) => {
    const T = TYPED[t.dtype];
    const arr = new T(t.bytes / T.BYTES_PER_ELEMENT);
    for (let i = 0; i < arr.length; i++) {
      if (t.dtype.startsWith('float')) arr[i] = (2 * rand() - 1) * scale;
      else if (t.dtype === 'bool') arr[i] = rand() < 0.5 ? 0 : 1;
      else arr[i] = Math.floor(rand() * 256) - (t.dtype.startsWith('u') ? 0 : 128);
    }
    return Buffer.from(arr.buffer);
  });
  return Buffer.concat(parts);
}

function floatsOf(buf, outputs) {
  // Only used when every output is float32 (true for all peer models); null otherwise.
  if (!outputs.every((t) => t.dtype === 'float32')) return null;
  const copy = Buffer.from(buf);
  return Array.from(new Float32Array(copy.buffer, copy.byteOffset, copy.length / 4));
}

function checkModel(file) {
  const name = path.basename(file);
  const kind = /_kws_/.test(name) ? 'kws' : /_th_/.test(name) ? 'forecast' : 'other';
  const d = runCli(['--model', file, '--describe']);
  check(`${name}: describe`, d.json !== null, d.json ? '' : d.stderr.trim());
  if (!d.json) return;

  // Blocks r0 r1 r2 r0: the repeat must reproduce r0's output inside one process.
  const rand = rng(seedOf(name));
  const scale = kind === 'forecast' ? 2 : 5;
  const blocks = [0, 1, 2].map(() => randomBlock(d.json.inputs, rand, scale));
  const count = 4;
  const inFile = path.join(opts.work, `${name}.in.bin`);
  fs.writeFileSync(inFile, Buffer.concat([...blocks, blocks[0]]));
  const outFiles = ['a', 'b'].map((s) => path.join(opts.work, `${name}.out_${s}.bin`));
  const runs = outFiles.map((o) => runCli(['--model', file, '--input', inFile, '--count', String(count), '--output', o]));
  const ran = runs.every((r) => r.json !== null);
  check(`${name}: run x2`, ran, ran ? '' : runs.map((r) => r.stderr.trim()).join(' | '));
  if (!ran) return;

  const [a, b] = outFiles.map((o) => fs.readFileSync(o));
  const per = runs[0].json.output_block_bytes;
  check(`${name}: output file size`, a.length === count * per, `${a.length} bytes for ${count} x ${per}`);
  check(`${name}: two processes agree bit for bit`, a.equals(b));
  check(`${name}: same input twice in one process agrees`, a.subarray(0, per).equals(a.subarray(3 * per, 4 * per)));

  const outputs = runs[0].json.outputs;
  const vals = floatsOf(a, outputs);
  if (!vals) { check(`${name}: float32 outputs`, false, outputs.map((t) => t.dtype).join(',')); return; }
  const n = vals.length / count;
  const rows = [0, 1, 2, 3].map((i) => vals.slice(i * n, (i + 1) * n));
  check(`${name}: outputs finite`, vals.every(Number.isFinite));

  if (kind === 'kws') {
    check(`${name}: 8 class scores`, n === 8, `${n} values`);
    const probs = vals.every((v) => v >= 0 && v <= 1);
    if (probs) {
      const sums = rows.map((r) => r.reduce((s, v) => s + v, 0));
      // 0.02: an int8 softmax output (scale 1/256) dequantised can be off by half a quantum per class.
      check(`${name}: softmax sums to 1`, sums.every((s) => Math.abs(s - 1) < 0.02), sums.map((s) => s.toFixed(4)).join(' '));
    } else {
      check(`${name}: logits (no softmax layer) not all equal`, rows.every((r) => Math.max(...r) > Math.min(...r)));
    }
  } else if (kind === 'forecast') {
    check(`${name}: 12 values (6 steps x T, RH)`, n === 12, `${n} values`);
    check(`${name}: different inputs give different outputs`,
      !a.subarray(0, per).equals(a.subarray(per, 2 * per)));
    if (/^g7_/.test(name)) {
      check(`${name}: outputs not all zero (fresh tensor views)`, vals.some((v) => v !== 0));
    }
  }
}

function checkErrors(file) {
  const d = runCli(['--model', file, '--describe']);
  if (!d.json) return;
  const bad = path.join(opts.work, 'wrong_size.bin');
  fs.writeFileSync(bad, Buffer.alloc(d.json.input_block_bytes + 4));
  const r = runCli(['--model', file, '--input', bad, '--count', '1', '--output', path.join(opts.work, 'x.bin')]);
  check('CLI: wrong input size is an error', r.status === 1 && /expected --count 1 x/.test(r.stderr) && r.stdout === '',
    r.stderr.trim());
  const garbage = path.join(opts.work, 'garbage.tflite');
  fs.writeFileSync(garbage, Buffer.concat([Buffer.from('\0\0\0\0TFL3'), Buffer.alloc(256, 0x5a)]));
  const g = runCli(['--model', garbage, '--describe']);
  check('CLI: corrupt model is an error', g.status === 1 && /cannot load model/.test(g.stderr), g.stderr.trim());
  const t = runCli(['--model', file, '--describe', '--threads', '4']);
  check('CLI: --threads other than 1 is refused', t.status === 2);

  // --time: 1 warm-up + N timed calls; statistics must be present and sane.
  const inFile = path.join(opts.work, 'timing.in.bin');
  fs.writeFileSync(inFile, Buffer.alloc(d.json.input_block_bytes * 5));
  const tm = runCli(['--model', file, '--input', inFile, '--count', '5', '--output', path.join(opts.work, 'timing.out.bin'), '--time']);
  const lat = tm.json && tm.json.latency_ms;
  check('CLI: --time reports latency', !!lat && lat.n === 5 && lat.mean > 0 && lat.min <= lat.median && lat.median <= lat.p90,
    lat ? JSON.stringify(lat) : tm.stderr.trim());
}

const models = fs.readdirSync(opts.models).filter((f) => /\.tflite(\.zlib)?$/.test(f)).sort()
  .map((f) => path.join(opts.models, f));
check('peer models found', models.length > 0, `${models.length} in ${opts.models}`);
for (const m of models) checkModel(m);
if (models.length) checkErrors(models[0]);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
