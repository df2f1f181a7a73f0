// A generic supervised trainer for small models held in memory: Adam with cosine decay, MSE or L1
// loss, seeded mini-batch shuffling, per-epoch validation MAE, the best checkpoint kept (and restored
// at the end) and early stopping.
#pragma once

#include <functional>

#include <torch/nn/module.h>
#include <torch/types.h>

#include "train/trainer_options.hpp"

namespace tinyfit::train {

// Inputs [N, ...] and targets [N, ..., features], float32; for Loss::CrossEntropy, targets are class
// indices [N], int64.
struct Dataset {
  torch::Tensor inputs, targets;
  int64_t size() const { return inputs.size(0); }
};

using Forward = std::function<torch::Tensor(const torch::Tensor&)>;
// Applied to every training batch's inputs (data augmentation); never to validation data.
using Augment = std::function<torch::Tensor(const torch::Tensor&)>;
// Called after every optimizer step with the 1-based step count (pruning masks).
using StepHook = std::function<void(int64_t step)>;
// Knowledge distillation: a teacher's logits [B, classes] for a training batch's (augmented) inputs,
// without gradient. The loss then mixes in the teacher's softened distribution (TrainerOptions::distill).
using Teacher = std::function<torch::Tensor(const torch::Tensor&)>;

// A training batch's inputs for the given row indices [B] (int64) of the training set, made
// afresh (e.g. features of noisy waveforms); fit() uses train.inputs' rows when this is empty.
using BatchInputs = std::function<torch::Tensor(const torch::Tensor& indices)>;

// What fit() calls on every training batch besides the model; each may be empty.
struct BatchHooks {
  BatchInputs inputs;
  Augment augment;
  StepHook after_step;
  Teacher teacher;
};

// Trains `module` (whose forward is `forward`) in place; on return it holds the weights of the
// epoch with the best validation score. Throws Error for empty or mismatched data or bad options.
// The best checkpoint includes the buffers (BatchNorm running statistics).
TrainResult fit(torch::nn::Module& module, const Forward& forward, const Dataset& train, const Dataset& val,
                const TrainerOptions& options, const ProgressCallback& progress = {}, const BatchHooks& hooks = {});

template <class Holder>  // a TORCH_MODULE holder (ForecastNet, ...)
TrainResult fit(Holder& model, const Dataset& train, const Dataset& val, const TrainerOptions& options,
                const ProgressCallback& progress = {}, const BatchHooks& hooks = {}) {
  return fit(*model, [&model](const torch::Tensor& x) { return model->forward(x); }, train, val, options, progress,
             hooks);
}

// Per-feature MAE of forward(inputs) against targets, in batches, without gradients.
std::vector<double> evaluate_mae(const Forward& forward, const Dataset& data, int64_t batch = 4096);
// Percent of rows whose arg max of forward(inputs) equals the class index target.
double evaluate_accuracy(const Forward& forward, const Dataset& data, int64_t batch = 512);

}  // namespace tinyfit::train
