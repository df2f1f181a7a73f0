#include "train/kws_job.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <vector>

#include <torch/utils.h>

#include "core/error.hpp"
#include "models/kws_net.hpp"
#include "models/kws_qat.hpp"
#include "train/pruner.hpp"
#include "train/tflite_teacher.hpp"
#include "train/trainer.hpp"

namespace tinyfit::train {

namespace {

Dataset to_dataset(const dsp::SplitFeatures& f) {
  const int64_t n = static_cast<int64_t>(f.size());
  torch::Tensor x = torch::from_blob(const_cast<float*>(f.values.data()), {n, f.rows, f.cols}, torch::kFloat32).clone();
  std::vector<int64_t> labels(f.labels.begin(), f.labels.end());
  return {x, torch::tensor(labels, torch::kInt64)};
}

// Per-sample masks [B, n] of `count` random bands of width 0..max_width along a dimension of size n.
torch::Tensor band_masks(int64_t batch, int64_t n, int count, int max_width) {
  torch::Tensor mask = torch::zeros({batch, n}, torch::kBool);
  if (max_width <= 0) return mask;
  const torch::Tensor pos = torch::arange(n).unsqueeze(0);
  for (int i = 0; i < count; ++i) {
    const torch::Tensor width = torch::randint(0, std::min<int64_t>(max_width, n) + 1, {batch, 1});
    const torch::Tensor start = (torch::rand({batch, 1}) * (n - width + 1).to(torch::kFloat32)).floor().to(torch::kInt64);
    mask = mask | ((pos >= start) & (pos < start + width));
  }
  return mask;
}

// Log-mel features of the clip scaled by a random gain per sample (exact: the features are ln(mel + 1e-6)
// and mel scales with the magnitude).
torch::Tensor random_gain(const torch::Tensor& log_mel, double max_db) {
  const torch::Tensor db = (torch::rand({log_mel.size(0), 1, 1}) * 2.0 - 1.0) * max_db;
  const torch::Tensor gain = torch::pow(10.0, db / 20.0);
  return torch::log(torch::clamp_min(gain * (torch::exp(log_mel) - 1e-6f), 0.0) + 1e-6f);
}

// x [B, T, F] -> shifted in time (silence frames shifted in), gain-scaled (log-mel only) and
// SpecAugment-masked to `fill`.
torch::Tensor augment(const torch::Tensor& x, const torch::Tensor& silence, float fill, bool log_mel,
                      const KwsAugmentOptions& a) {
  const int64_t b = x.size(0), t = x.size(1), f = x.size(2);
  torch::Tensor y = x;
  if (a.time_shift > 0) {
    const int64_t s = a.time_shift;
    const torch::Tensor pad = silence.unsqueeze(0).expand({b, s, f});
    const torch::Tensor padded = torch::cat({pad, x, pad}, 1);
    const torch::Tensor shift = torch::randint(-s, s + 1, {b, 1});
    const torch::Tensor rows = (torch::arange(t).unsqueeze(0) + s - shift).unsqueeze(2).expand({b, t, f});
    y = padded.gather(1, rows);
  }
  if (log_mel && a.gain_db > 0.0) y = random_gain(y, a.gain_db);
  const torch::Tensor time = band_masks(b, t, a.time_masks, a.time_mask).unsqueeze(2);
  const torch::Tensor freq = band_masks(b, f, a.freq_masks, a.freq_mask).unsqueeze(1);
  return torch::where(time | freq, torch::full({}, fill), y);
}

// Features of the batch's clips, a random `prob` of them with white noise added to the waveform at
// an SNR uniform in [low, high] dB; the others are the cached rows. Draws from LibTorch's seeded
// generator, so a run is reproducible.
torch::Tensor noisy_inputs(const torch::Tensor& idx, const Dataset& train, const data::ClipSet& clips,
                           const dsp::FeatureExtractor& extractor, const KwsAugmentOptions& a) {
  torch::Tensor x = train.inputs.index_select(0, idx);
  const int64_t b = idx.size(0);
  const torch::Tensor noisy = torch::rand({b}) < a.noise_prob;
  const torch::Tensor snr_db = a.noise_snr_low + torch::rand({b}) * (a.noise_snr_high - a.noise_snr_low);
  std::vector<float> audio(data::kClipSamples);
  for (int64_t i = 0; i < b; ++i) {
    if (!noisy[i].item<bool>()) continue;
    const std::span<const float> clip = clips.clip(static_cast<size_t>(idx[i].item<int64_t>()));
    double energy = 0.0;
    for (float v : clip) energy += static_cast<double>(v) * v;
    const double rms = std::sqrt(energy / static_cast<double>(clip.size()));
    const torch::Tensor noise = torch::randn({static_cast<int64_t>(clip.size())});
    if (rms == 0.0) continue;  // silence: no SNR to speak of (the draw above keeps the stream aligned)
    const auto sigma = static_cast<float>(rms / std::pow(10.0, snr_db[i].item<double>() / 20.0));
    const float* n = noise.data_ptr<float>();
    for (size_t k = 0; k < clip.size(); ++k) audio[k] = clip[k] + sigma * n[k];
    extractor.compute(audio, std::span<float>(x[i].data_ptr<float>(), extractor.output_size()));
  }
  return x;
}

}  // namespace

KwsJobResult train_kws(const dsp::SplitFeatures& train_features, const dsp::SplitFeatures& val_features,
                       const dsp::FeatureOptions& features, const std::vector<float>& silence,
                       const KwsJobOptions& options, const ProgressCallback& progress,
                       const ProgressCallback& qat_progress) {
  if (train_features.size() == 0 || val_features.size() == 0) throw Error("kws training: empty training or validation split");
  if (train_features.rows != val_features.rows || train_features.cols != val_features.cols)
    throw Error("kws training: training and validation features differ in shape");
  if (silence.size() != static_cast<size_t>(train_features.cols))
    throw Error("kws training: the silence frame has " + std::to_string(silence.size()) + " values, expected " +
                std::to_string(train_features.cols));
  torch::manual_seed(options.trainer.seed);
  torch::set_num_threads(options.trainer.threads);
  const Dataset train = to_dataset(train_features), val = to_dataset(val_features);

  KwsJobResult r;
  r.arch = options.arch;
  r.arch.rows = train_features.rows;
  r.arch.cols = train_features.cols;
  // One scalar mean / std over all training values: folds exactly into the VALID stem.
  r.input_mean = train.inputs.mean().item<float>();
  r.input_std = train.inputs.std().item<float>();
  models::KwsNet net(r.arch, r.input_mean, r.input_std);

  TrainerOptions trainer = options.trainer;
  trainer.loss = Loss::CrossEntropy;
  const torch::Tensor silence_row = torch::tensor(silence).unsqueeze(0);
  const bool log_mel = features.resize == 0 && features.num_coefficients == 0;
  BatchHooks hooks;
  std::optional<dsp::FeatureExtractor> extractor;
  if (options.augment_enabled && options.augment.noise_prob > 0.0) {
    const data::ClipSet* clips = options.train_clips;
    if (!clips || clips->size() != train_features.size())
      throw Error("kws training: noise augmentation needs the " + std::to_string(train_features.size()) +
                  " training clips' waveforms");
    if (clips->keys != train_features.keys) throw Error("kws training: the clips are not in the training features' order");
    extractor.emplace(features, data::kClipSampleRate, data::kClipSamples);
    if (extractor->output_size() != static_cast<size_t>(train_features.rows) * train_features.cols)
      throw Error("kws training: the feature options do not give the training features' shape");
    hooks.inputs = [&, clips](const torch::Tensor& idx) { return noisy_inputs(idx, train, *clips, *extractor, options.augment); };
  }
  if (options.augment_enabled)
    hooks.augment = [&](const torch::Tensor& x) { return augment(x, silence_row, r.input_mean, log_mel, options.augment); };
  std::optional<TfliteTeacher> teacher;
  if (options.teacher && trainer.distill.enabled()) {
    teacher.emplace(*options.teacher, int64_t{r.arch.rows} * r.arch.cols, r.arch.classes);
    hooks.teacher = [&teacher](const torch::Tensor& x) { return (*teacher)(x); };
  }
  std::optional<MagnitudePruner> pruner;
  if (options.pruning.enabled()) {
    const int64_t steps_per_epoch = (train.size() + trainer.batch_size - 1) / trainer.batch_size;
    pruner.emplace(net->prunable_weights(options.prune_depthwise), options.pruning, steps_per_epoch * trainer.epochs);
    // Only checkpoints at the final sparsity are candidates: the first epoch that ends past the schedule.
    trainer.select_from_epoch =
        std::max<int>(trainer.select_from_epoch, static_cast<int>((pruner->end_step() + steps_per_epoch - 1) / steps_per_epoch));
    hooks.after_step = [&pruner](int64_t step) { pruner->after_step(step); };
  }
  r.training = fit(net, train, val, trainer, progress, hooks);
  if (pruner) r.sparsity = pruner->sparsity();

  net->eval();
  r.val_accuracy = evaluate_accuracy([&net](const torch::Tensor& x) { return net->forward(x); }, val);
  r.folded = net->fold();
  r.val_accuracy_folded = evaluate_accuracy([&r](const torch::Tensor& x) { return models::run_folded(r.folded, x); }, val);
  const int stride = std::max(1, options.calibration_stride);
  r.ranges = models::calibrate(r.folded, train.inputs.slice(0, 0, train.size(), stride));
  r.float_model = models::export_kws(r.folded, features, models::KwsWeightFormat::Float32);
  r.int8_model = models::export_kws(r.folded, features, models::KwsWeightFormat::Int8, r.ranges);

  if (options.qat_epochs > 0) {
    models::KwsQatNet qat(r.folded, r.ranges);
    TrainerOptions t = trainer;
    t.epochs = options.qat_epochs;
    t.lr = options.qat_lr;
    t.warmup_epochs = 0;
    t.weight_decay = 0.0;
    t.seed = trainer.seed + 1;  // another batch order than the float training's
    t.select_from_epoch = 1;
    BatchHooks qat_hooks = hooks;
    qat_hooks.after_step = {};
    std::optional<MagnitudePruner> zeros;
    if (options.pruning.enabled()) {
      zeros = MagnitudePruner::keep_zeros(qat->weights());
      qat_hooks.after_step = [&zeros](int64_t) { zeros->after_step(0); };
    }
    r.qat_training = fit(qat, train, val, t, qat_progress, qat_hooks);
    r.qat = true;
    r.qat_folded = qat->folded();
    r.qat_ranges = qat->ranges();
    r.qat_model = models::export_kws(r.qat_folded, features, models::KwsWeightFormat::Int8, r.qat_ranges);
  }
  return r;
}

}  // namespace tinyfit::train
