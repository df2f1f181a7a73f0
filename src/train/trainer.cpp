#include "train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <cmath>
#include <numeric>
#include <random>

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/utils.h>

#include "core/error.hpp"

namespace tinyfit::train {

namespace {

constexpr double kPi = 3.14159265358979323846;

torch::Tensor feature_weight_tensor(const TrainerOptions& o, int64_t features) {
  if (o.feature_weights.empty()) return torch::ones({features});
  if (static_cast<int64_t>(o.feature_weights.size()) != features)
    throw Error("trainer: " + std::to_string(o.feature_weights.size()) + " feature weights for " +
                std::to_string(features) + " features");
  return torch::tensor(o.feature_weights);
}

void check(const Dataset& train, const Dataset& val, const TrainerOptions& o) {
  if (!train.inputs.defined() || train.size() == 0) throw Error("trainer: the training set is empty");
  if (!val.inputs.defined() || val.size() == 0) throw Error("trainer: the validation set is empty");
  if (train.targets.size(0) != train.size() || val.targets.size(0) != val.size())
    throw Error("trainer: inputs and targets differ in count");
  if (o.epochs < 1 || o.batch_size < 1 || !(o.lr > 0.0) || o.threads < 1)
    throw Error("trainer: epochs, batch size, learning rate and threads must be positive");
  if (o.distill.enabled() && !(o.distill.alpha <= 1.0 && o.distill.temperature > 0.0))
    throw Error("trainer: distillation needs 0 < alpha <= 1 and a positive temperature");
  if (o.select_from_epoch > o.epochs)
    throw Error("trainer: the checkpoint can only be chosen from epoch " + std::to_string(o.select_from_epoch) +
                ", after the last (" + std::to_string(o.epochs) + ")");
}

// Parameters and buffers: a BatchNorm's running statistics belong to its checkpoint.
std::vector<torch::Tensor> state(torch::nn::Module& m) {
  std::vector<torch::Tensor> s = m.parameters();
  for (const auto& b : m.buffers()) s.push_back(b);
  return s;
}

std::vector<torch::Tensor> snapshot(torch::nn::Module& m) {
  std::vector<torch::Tensor> s;
  for (const auto& t : state(m)) s.push_back(t.detach().clone());
  return s;
}

void restore(torch::nn::Module& m, const std::vector<torch::Tensor>& s) {
  torch::NoGradGuard no_grad;
  auto tensors = state(m);
  for (size_t i = 0; i < tensors.size(); ++i) tensors[i].copy_(s[i]);
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(torch::nn::Module& m, const TrainerOptions& o) {
  if (o.adamw)
    return std::make_unique<torch::optim::AdamW>(m.parameters(), torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay));
  return std::make_unique<torch::optim::Adam>(m.parameters(), torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay));
}

// Linear warm-up over warmup_epochs, then cosine decay from lr to lr * final_lr_fraction.
double learning_rate(const TrainerOptions& o, int epoch) {
  if (epoch <= o.warmup_epochs) return o.lr * epoch / (o.warmup_epochs + 1);
  const int decay_epochs = o.epochs - o.warmup_epochs;
  const double t = decay_epochs > 1 ? static_cast<double>(epoch - o.warmup_epochs - 1) / (decay_epochs - 1) : 0.0;
  return o.lr * (o.final_lr_fraction + (1.0 - o.final_lr_fraction) * 0.5 * (1.0 + std::cos(kPi * t)));
}

}  // namespace

Loss parse_loss(const std::string& name) {
  if (name == "mse") return Loss::Mse;
  if (name == "l1") return Loss::L1;
  if (name == "ce") return Loss::CrossEntropy;
  throw Error("unknown loss '" + name + "' (use mse, l1 or ce)");
}

const char* loss_name(Loss loss) { return loss == Loss::Mse ? "mse" : loss == Loss::L1 ? "l1" : "ce"; }

double evaluate_accuracy(const Forward& forward, const Dataset& data, int64_t batch) {
  torch::NoGradGuard no_grad;
  int64_t correct = 0;
  for (int64_t begin = 0; begin < data.size(); begin += batch) {
    const int64_t end = std::min(data.size(), begin + batch);
    const torch::Tensor predicted = forward(data.inputs.slice(0, begin, end)).argmax(1);
    correct += predicted.eq(data.targets.slice(0, begin, end)).sum().item<int64_t>();
  }
  return 100.0 * static_cast<double>(correct) / static_cast<double>(data.size());
}

std::vector<double> evaluate_mae(const Forward& forward, const Dataset& data, int64_t batch) {
  torch::NoGradGuard no_grad;
  const int64_t features = data.targets.size(-1);
  torch::Tensor sum = torch::zeros({features}, torch::kFloat64);
  for (int64_t begin = 0; begin < data.size(); begin += batch) {
    const int64_t end = std::min(data.size(), begin + batch);
    const torch::Tensor err = (forward(data.inputs.slice(0, begin, end)) - data.targets.slice(0, begin, end)).abs();
    sum += err.reshape({-1, features}).to(torch::kFloat64).sum(0);
  }
  const double per_feature = static_cast<double>(data.targets.numel() / features);
  std::vector<double> mae(static_cast<size_t>(features));
  for (int64_t f = 0; f < features; ++f) mae[static_cast<size_t>(f)] = sum[f].item<double>() / per_feature;
  return mae;
}

TrainResult fit(torch::nn::Module& module, const Forward& forward, const Dataset& train, const Dataset& val,
                const TrainerOptions& o, const ProgressCallback& progress, const BatchHooks& hooks) {
  check(train, val, o);
  // A fixed thread count keeps the reductions' order, hence the bytes of the result, reproducible.
  torch::set_num_threads(o.threads);
  const bool classify = o.loss == Loss::CrossEntropy;
  const bool distill = classify && hooks.teacher && o.distill.enabled();
  const torch::Tensor weights = classify ? torch::Tensor() : feature_weight_tensor(o, train.targets.size(-1));
  const auto optimizer = make_optimizer(module, o);
  namespace F = torch::nn::functional;
  const auto ce = F::CrossEntropyFuncOptions().label_smoothing(o.label_smoothing);
  std::mt19937_64 shuffle_rng(o.seed);
  std::vector<int64_t> order(static_cast<size_t>(train.size()));
  std::iota(order.begin(), order.end(), 0);

  TrainResult result;
  result.best_score = INFINITY;
  std::vector<torch::Tensor> best = snapshot(module);
  const auto start = std::chrono::steady_clock::now();
  int since_best = 0;
  int64_t step = 0;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const double lr = learning_rate(o, epoch);
    for (auto& group : optimizer->param_groups()) group.options().set_lr(lr);

    module.train();
    std::shuffle(order.begin(), order.end(), shuffle_rng);
    const torch::Tensor index = torch::tensor(order, torch::kInt64);
    double loss_sum = 0.0;
    int batches = 0;
    for (int64_t begin = 0; begin < train.size(); begin += o.batch_size) {
      const torch::Tensor idx = index.slice(0, begin, std::min(train.size(), begin + o.batch_size));
      torch::Tensor inputs = hooks.inputs ? hooks.inputs(idx) : train.inputs.index_select(0, idx);
      if (hooks.augment) inputs = hooks.augment(inputs);
      const torch::Tensor out = forward(inputs), targets = train.targets.index_select(0, idx);
      torch::Tensor loss;
      if (classify) {
        loss = F::cross_entropy(out, targets, ce);
        if (distill) {
          const double t = o.distill.temperature, a = o.distill.alpha;
          torch::Tensor soft;
          {
            torch::NoGradGuard no_grad;
            soft = torch::softmax(hooks.teacher(inputs) / t, 1);
          }
          const torch::Tensor kl = F::kl_div(F::log_softmax(out / t, F::LogSoftmaxFuncOptions(1)), soft,
                                             F::KLDivFuncOptions().reduction(torch::kBatchMean));
          loss = (1.0 - a) * loss + a * t * t * kl;
        }
      } else {
        const torch::Tensor diff = (out - targets) * weights;
        loss = o.loss == Loss::Mse ? diff.pow(2).mean() : diff.abs().mean();
      }
      optimizer->zero_grad();
      loss.backward();
      optimizer->step();
      if (hooks.after_step) hooks.after_step(++step);
      loss_sum += loss.item<double>();
      ++batches;
    }

    module.eval();
    EpochReport r;
    r.epoch = epoch;
    r.epochs = o.epochs;
    r.train_loss = loss_sum / batches;
    if (classify) {
      r.val_accuracy = evaluate_accuracy(forward, val);
      r.val_score = 100.0 - r.val_accuracy;
    } else {
      r.val_mae = evaluate_mae(forward, val);
      for (size_t f = 0; f < r.val_mae.size(); ++f)
        r.val_score += r.val_mae[f] * (o.feature_weights.empty() ? 1.0 : o.feature_weights[f]);
    }
    r.best = epoch >= o.select_from_epoch && r.val_score < result.best_score;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.eta_seconds = r.seconds / epoch * (o.epochs - epoch);
    if (r.best) {
      result.best_score = r.val_score;
      result.best_epoch = epoch;
      best = snapshot(module);
      since_best = 0;
    } else if (epoch >= o.select_from_epoch) {
      ++since_best;
    }
    result.history.push_back(r);
    if (progress) progress(r);
    if (o.patience > 0 && since_best >= o.patience) {
      result.stopped_early = true;
      break;
    }
  }
  restore(module, best);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace tinyfit::train
