'use strict';
// Latency summary shared by official_runtime.js and the bench scripts: mean, median and p90 in ms.
// p90 uses the nearest-rank definition (smallest sample with at least 90 % of samples <= it), so it
// is always an observed value.

function summarize(nsList) {
  const ms = nsList.map((ns) => Number(ns) / 1e6).sort((a, b) => a - b);
  const n = ms.length;
  const rank = (p) => ms[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
  const median = n % 2 ? ms[(n - 1) / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  const round = (x) => Math.round(x * 1e4) / 1e4;
  return {
    n, mean: round(ms.reduce((s, x) => s + x, 0) / n), median: round(median),
    p90: round(rank(0.9)), min: round(ms[0]), max: round(ms[n - 1]),
  };
}

module.exports = { summarize };
