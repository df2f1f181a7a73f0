// Training a KWS net of `tinyfit kws` on cached features of the training split (validation for the
// checkpoint), up to the exported float32 and int8 ModelDefs. No LibTorch types here, so the CLI
// includes it without LibTorch headers.
#pragma once

#include <optional>
#include <vector>

#include "data/speech_commands.hpp"
#include "dsp/features.hpp"
#include "dsp/split_features.hpp"
#include "models/kws_arch.hpp"
#include "models/kws_export.hpp"
#include "tflite/model.hpp"
#include "train/trainer_options.hpp"

namespace tinyfit::train {

// Augmentation of the training feature maps, drawn from LibTorch's seeded generator.
struct KwsAugmentOptions {
  int time_shift = 5;                    // frames, uniform in [-n, n]; vacated frames hold silence
  int time_masks = 2, time_mask = 8;     // SpecAugment: masks of up to this many frames
  int freq_masks = 2, freq_mask = 6;     // ... and of up to this many columns (mel bins / coefficients)
  // Waveform gain, uniform in [-n, n] dB. Exact on log-mel features (ln(g * mel + 1e-6) from
  // ln(mel + 1e-6)); ignored for MFCC and resized |STFT|, whose columns mix the bins.
  double gain_db = 0.0;
  // Additive white Gaussian noise on the waveform of this fraction of each batch's clips, at a
  // signal-to-noise ratio (to the clip's RMS) uniform in [noise_snr_low, noise_snr_high] dB; those
  // clips' features are computed afresh (needs KwsJobOptions::train_clips). 0: off.
  double noise_prob = 0.0;
  double noise_snr_low = 10.0, noise_snr_high = 40.0;
};

struct KwsJobOptions {
  models::KwsArch arch;                  // rows / cols are taken from the features
  TrainerOptions trainer;                // loss is forced to CrossEntropy
  KwsAugmentOptions augment;
  bool augment_enabled = true;
  int calibration_stride = 4;            // int8 ranges from every n-th training clip (un-augmented)
  // Quantization-aware fine-tuning of the folded net after the float training (models/kws_qat.hpp):
  // epochs (0: none), peak learning rate (cosine decay, no warm-up, no weight decay).
  int qat_epochs = 0;
  double qat_lr = 5e-4;
  // Magnitude pruning during the float training (train/pruner.hpp); QAT then keeps the zeros.
  PruningOptions pruning;
  bool prune_depthwise = true;   // prune the depthwise 3x3 kernels too, not only the 1x1 convs and the classifier
  // Knowledge distillation (float training and QAT) from a trained model file on the same features,
  // run by tinyfit's interpreter on each augmented batch (train/tflite_teacher.hpp); weights in
  // trainer.distill. Without a teacher, trainer.distill is ignored.
  std::optional<tflite::ModelDef> teacher;
  // The training clips' waveforms, in the order of the training features (noise augmentation only).
  const data::ClipSet* train_clips = nullptr;
};

struct KwsJobResult {
  models::KwsArch arch;
  models::FoldedKws folded;                      // the best checkpoint, BatchNorm folded
  std::vector<models::ActivationRange> ranges;   // calibration, one per activation
  tflite::ModelDef float_model, int8_model;      // int8_model: post-training quantization
  TrainResult training;
  // With qat_epochs > 0: the fine-tuned net, its ranges and export, and its own epochs (validation
  // accuracy of the fake-quantized net, which rounds as the int8 file does).
  bool qat = false;
  models::FoldedKws qat_folded;
  std::vector<models::ActivationRange> qat_ranges;
  tflite::ModelDef qat_model;
  TrainResult qat_training;
  double sparsity = 0.0;             // zeros in the pruned tensors at the kept checkpoint
  double val_accuracy = 0.0;         // LibTorch model (float) on the validation split, percent
  double val_accuracy_folded = 0.0;  // the folded net (same maths as the float export)
  float input_mean = 0.0f, input_std = 1.0f;
};

// `silence`: the feature map of an all-zero clip ([rows][cols]), what time shifts shift in.
// Seeds LibTorch with options.trainer.seed: same options and data -> the same weights and bytes.
// Throws Error if train / val are empty or their shapes differ.
KwsJobResult train_kws(const dsp::SplitFeatures& train, const dsp::SplitFeatures& val,
                       const dsp::FeatureOptions& features, const std::vector<float>& silence,
                       const KwsJobOptions& options, const ProgressCallback& progress = {},
                       const ProgressCallback& qat_progress = {});

}  // namespace tinyfit::train
