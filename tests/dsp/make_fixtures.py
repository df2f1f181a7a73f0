#!/usr/bin/python3
"""Golden fixtures for the tinyfit::dsp parity tests (tests/dsp/*_test.cpp).

Regenerate (needs the shared data set; writes tests/testdata/dsp/, about 0.65 MB):

    /usr/bin/python3 tests/dsp/make_fixtures.py [--data /work/shared/data]

This is an INDEPENDENT float64 reference written from the text of spec/HW2.md section 2
("Features", TensorFlow tf.signal conventions), not from the C++ code:
  * STFT: periodic Hann, FFT length = frame length (np.fft.rfft with n = L), no end padding,
    frames = 1 + (N - L) // S, magnitude of bins 0..L/2.
  * Mel matrix: HTK mel 1127 ln(1 + f/700), num_mel + 2 edges evenly spaced in mel, linear bin
    frequencies linspace(0, sr/2, L/2 + 1), triangles in the mel domain clipped at 0, no
    normalisation, DC row zero. Layout [spectrum_bins][mel_bins] (as TF).
  * MFCC: ln(mel + 1e-6), unnormalised DCT-II (X_k = 2 sum x_n cos(pi k (2n+1) / 2N)) times
    1/sqrt(2N), first K coefficients.
  * Resampling: scipy.signal.resample_poly with its defaults (Kaiser beta 5).
  * Resize: bilinear, half-pixel centres, no antialias (TF's ResizeBilinear rule:
    in = (o + 0.5) * in/out - 0.5, lower = max(floor(in), 0), upper = min(ceil(in), n - 1),
    lerp = in - floor(in)).

Files: raw little-endian float32 (*.f32) or int16 (*.s16), row-major. manifest.txt lists one
fixture per line: `<file> <dtype> <rows> <cols> <what it is>`.
"""
import argparse
import os

import numpy as np
import scipy.signal
import soundfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "testdata", "dsp")
CLIP_SAMPLES = 16000

# One ordinary full-length clip, one short clip (zero-padded), one loud clip that hits full scale,
# one very quiet clip (stresses the log of small mel energies), and one with loud frames whose
# weakest mel band is ~47 dB below the strongest: float32 rounding noise of the resampled signal shows
# in that band (it was the worst 8 kHz test clip, 4.6e-4, with a float resampler).
CLIPS = {
    "full": "mini_speech_commands/no/01bb6a2a_nohash_0.flac",
    "short": "mini_speech_commands/down/4a0e2c16_nohash_0.flac",
    "loud": "mini_speech_commands/yes/6094340e_nohash_0.flac",
    "quiet": "mini_speech_commands/yes/3f2b358d_nohash_2.flac",
    "contrast": "mini_speech_commands/no/c842b5e4_nohash_0.flac",
}
# 48 kHz input for the resampling front end: a clip with every sample repeated three times, which
# the C++ test rebuilds exactly from clip_<name> (no 48 kHz audio stored).
CLIP_48K = "contrast"


def hann_periodic(length):
    n = np.arange(length)
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * n / length)


def stft_magnitude(x, frame_length, frame_step):
    frames = 1 + (len(x) - frame_length) // frame_step
    window = hann_periodic(frame_length)
    rows = [np.abs(np.fft.rfft(x[f * frame_step:f * frame_step + frame_length] * window, n=frame_length))
            for f in range(frames)]
    return np.array(rows)


def hz_to_mel(hz):
    return 1127.0 * np.log(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)


def mel_matrix(num_mel, num_spectrum, sample_rate, lower_hz, upper_hz):
    bin_mel = hz_to_mel(np.linspace(0.0, sample_rate / 2.0, num_spectrum))
    edges = np.linspace(hz_to_mel(lower_hz), hz_to_mel(upper_hz), num_mel + 2)
    weights = np.zeros((num_spectrum, num_mel))
    for m in range(num_mel):
        left, centre, right = edges[m], edges[m + 1], edges[m + 2]
        rising = (bin_mel - left) / (centre - left)
        falling = (right - bin_mel) / (right - centre)
        weights[:, m] = np.maximum(0.0, np.minimum(rising, falling))
    weights[0, :] = 0.0
    return weights


def mfcc(magnitude, weights, num_coefficients):
    log_mel = np.log(magnitude @ weights + 1e-6)
    n_mel = weights.shape[1]
    k = np.arange(n_mel)[:, None]
    n = np.arange(n_mel)[None, :]
    dct = 2.0 * np.cos(np.pi * k * (2 * n + 1) / (2.0 * n_mel))  # [k][n]
    return (log_mel @ dct.T / np.sqrt(2.0 * n_mel))[:, :num_coefficients]


def resize_weights(in_size, out_size):
    """[out_size][in_size] matrix of TF half-pixel bilinear interpolation along one axis."""
    scale = in_size / out_size
    matrix = np.zeros((out_size, in_size))
    for o in range(out_size):
        pos = (o + 0.5) * scale - 0.5
        floor = np.floor(pos)
        lower = max(int(floor), 0)
        upper = min(int(np.ceil(pos)), in_size - 1)
        lerp = pos - floor
        matrix[o, lower] += 1.0 - lerp
        matrix[o, upper] += lerp
    return matrix


def resize_bilinear(image, out_rows, out_cols):
    rows, cols = image.shape
    return resize_weights(rows, out_rows) @ image @ resize_weights(cols, out_cols).T


def test_signal_48k():
    """1 s at 48 kHz: seeded noise plus a chirp sweeping past 8 kHz (so the anti-alias filter matters)."""
    t = np.arange(48000) / 48000.0
    noise = np.random.default_rng(20240611).uniform(-0.3, 0.3, 48000)
    chirp = 0.5 * scipy.signal.chirp(t, f0=50.0, t1=1.0, f1=20000.0, method="logarithmic")
    return (noise + chirp).astype(np.float32)


class Writer:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.lines = []

    def add(self, name, array, dtype, what):
        array = np.asarray(array)
        shape = array.shape if array.ndim == 2 else (1, array.size)
        suffix = {"f32": ("<f4", ".f32"), "s16": ("<i2", ".s16")}[dtype]
        file_name = name + suffix[1]
        array.astype(suffix[0]).tofile(os.path.join(self.out_dir, file_name))
        self.lines.append(f"{file_name} {dtype} {shape[0]} {shape[1]} {what}")

    def finish(self):
        with open(os.path.join(self.out_dir, "manifest.txt"), "w") as f:
            f.write("# Written by tests/dsp/make_fixtures.py; <file> <dtype> <rows> <cols> <what>\n")
            f.write("\n".join(self.lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("TINYFIT_DATA", "/work/shared/data"))
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    w = Writer(OUT)

    w.add("mel_16k_321x40", mel_matrix(40, 321, 16000, 20.0, 4000.0), "f32",
          "mel matrix [spectrum 321][mel 40], sr 16000, 20-4000 Hz")

    for name, rel in CLIPS.items():
        pcm, rate = soundfile.read(os.path.join(args.data, rel), dtype="int16")
        assert rate == 16000 and pcm.ndim == 1
        length = len(pcm)
        pcm = np.concatenate([pcm, np.zeros(CLIP_SAMPLES - length, dtype=np.int16)])
        w.add(f"clip_{name}", pcm, "s16", f"{rel} ({length} samples, zero-padded to 16000)")
        x = pcm.astype(np.float64) / 32768.0

        mag = stft_magnitude(x, 640, 320)
        if name == "full":
            w.add("stft640_full", mag, "f32", "|STFT| 640/320 of clip_full [49][321]")
        w.add(f"mfcc16k_{name}", mfcc(mag, mel_matrix(40, 321, 16000, 20.0, 4000.0), 10), "f32",
              f"MFCC of clip_{name}: 16 kHz, 640/320, 40 mel 20-4000 Hz, 10 coeff")

        x8 = scipy.signal.resample_poly(x, 1, 2)
        if name == "full":
            w.add("resample_16k_to_8k_full", x8, "f32", "resample_poly(clip_full / 32768, 1, 2)")
        mag8 = stft_magnitude(x8, 320, 160)
        w.add(f"mfcc8k_{name}", mfcc(mag8, mel_matrix(40, 161, 8000, 20.0, 4000.0), 10), "f32",
              f"MFCC of clip_{name} resampled to 8 kHz: 320/160, 40 mel 20-4000 Hz, 10 coeff")

        w.add(f"resize32_{name}", resize_bilinear(stft_magnitude(x, 256, 128), 32, 32), "f32",
              f"|STFT| 256/128 of clip_{name} [124][129] bilinearly resized to [32][32]")

        if name == CLIP_48K:
            x48 = np.repeat(x, 3)
            w.add(f"mfcc16k_48k_{name}", mfcc(stft_magnitude(scipy.signal.resample_poly(x48, 1, 3), 640, 320),
                                               mel_matrix(40, 321, 16000, 20.0, 4000.0), 10), "f32",
                  f"MFCC of clip_{name} with each sample repeated 3x (48 kHz), resampled to 16 kHz: "
                  "640/320, 40 mel 20-4000 Hz, 10 coeff")
            w.add(f"mfcc8k_48k_{name}", mfcc(stft_magnitude(scipy.signal.resample_poly(x48, 1, 6), 320, 160),
                                              mel_matrix(40, 161, 8000, 20.0, 4000.0), 10), "f32",
                  f"MFCC of clip_{name} with each sample repeated 3x (48 kHz), resampled to 8 kHz: "
                  "320/160, 40 mel 20-4000 Hz, 10 coeff")

    signal = test_signal_48k()
    x48 = signal.astype(np.float64)
    w.add("signal_48k", signal, "f32", "1 s test signal at 48 kHz (seeded noise + log chirp 50 Hz-20 kHz)")
    w.add("resample_48k_to_16k", scipy.signal.resample_poly(x48, 1, 3), "f32",
          "resample_poly(signal_48k, 1, 3)")
    # Rational and upsampling ratios on short, odd-length pieces check the general polyphase alignment.
    w.add("resample_2_3", scipy.signal.resample_poly(x48[:4801], 2, 3), "f32",
          "resample_poly(signal_48k[:4801], 2, 3)")
    w.add("resample_3_2", scipy.signal.resample_poly(x48[:1001], 3, 2), "f32",
          "resample_poly(signal_48k[:1001], 3, 2)")
    w.add("resample_3_1", scipy.signal.resample_poly(x48[:333], 3, 1), "f32",
          "resample_poly(signal_48k[:333], 3, 1)")
    w.add("resample_5_7_short", scipy.signal.resample_poly(x48[:50], 5, 7), "f32",
          "resample_poly(signal_48k[:50], 5, 7): input shorter than the filter")
    w.finish()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(w.lines)} fixtures to {os.path.normpath(OUT)} ({total} bytes)")


if __name__ == "__main__":
    main()
