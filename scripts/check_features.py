#!/usr/bin/python3
"""Checks a `tinyfit features --export` file against the independent float64 reference of
tests/dsp/make_fixtures.py (TF conventions written from the spec), clip by clip.

usage: scripts/check_features.py DATA_DIR EXPORT.f32 {mfcc16k|mfcc8k|stft32} [--split test]
"""
import argparse, os, sys
import numpy as np, scipy.signal, soundfile as sf
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "dsp"))
import make_fixtures as ref  # noqa: E402

def features(x, kind):
    if kind == "mfcc16k":
        mag = ref.stft_magnitude(x, 640, 320)
        return ref.mfcc(mag, ref.mel_matrix(40, 321, 16000, 20, 4000), 10)
    if kind == "mfcc8k":
        y = scipy.signal.resample_poly(x, 1, 2)
        mag = ref.stft_magnitude(y, 320, 160)
        return ref.mfcc(mag, ref.mel_matrix(40, 161, 8000, 20, 4000), 10)
    mag = ref.stft_magnitude(x, 256, 128)
    return ref.resize_bilinear(mag, 32, 32)

def main():
    p = argparse.ArgumentParser()
    p.add_argument("data"); p.add_argument("export"); p.add_argument("kind"); p.add_argument("--split", default="test")
    a = p.parse_args()
    lines = open(os.path.join(a.data, "kws_splits", f"kws_{a.split}_split.txt")).read().split()
    got = np.fromfile(a.export, dtype="<f4")
    per = got.size // len(lines)
    got = got.reshape(len(lines), per)
    worst = 0.0
    for i, line in enumerate(lines):
        word, name = line.split("/")[-2:]
        pcm, sr = sf.read(os.path.join(a.data, "mini_speech_commands", word, name.replace(".wav", ".flac")), dtype="int16")
        x = np.zeros(16000); x[: len(pcm)] = pcm / 32768.0
        want = np.asarray(features(x, a.kind), dtype=np.float64).ravel()
        worst = max(worst, float(np.max(np.abs(want - got[i]))))
    print(f"{len(lines)} clips, {per} values each: max abs error {worst:.3g}")
    sys.exit(0 if worst <= 1e-4 else 1)

main()
