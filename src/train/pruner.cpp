#include "train/pruner.hpp"

#include <cmath>

#include <torch/utils.h>

#include "core/error.hpp"

namespace tinyfit::train {

MagnitudePruner::MagnitudePruner(std::vector<torch::Tensor> weights, const PruningOptions& options,
                                 int64_t total_steps)
    : weights_(std::move(weights)), options_(options) {
  if (!(options.sparsity >= 0.0 && options.sparsity < 1.0))
    throw Error("pruning: the sparsity must be in [0, 1), got " + std::to_string(options.sparsity));
  if (!(options.begin >= 0.0 && options.begin <= options.end && options.end <= 1.0))
    throw Error("pruning: the schedule needs 0 <= begin <= end <= 1 (fractions of the training)");
  if (options.frequency < 1) throw Error("pruning: the mask update frequency must be positive");
  begin_ = static_cast<int64_t>(std::llround(options.begin * static_cast<double>(total_steps)));
  end_ = std::max<int64_t>(begin_, static_cast<int64_t>(std::llround(options.end * static_cast<double>(total_steps))));
  for (const auto& w : weights_) masks_.push_back(torch::ones_like(w, torch::kBool));
}

MagnitudePruner MagnitudePruner::keep_zeros(std::vector<torch::Tensor> weights) {
  MagnitudePruner p;
  p.weights_ = std::move(weights);
  p.fixed_ = true;
  for (const auto& w : p.weights_) p.masks_.push_back(w.detach().ne(0));
  return p;
}

double MagnitudePruner::target(int64_t step) const {
  if (fixed_ || step < begin_) return 0.0;
  if (step >= end_) return options_.sparsity;
  const double p = static_cast<double>(step - begin_) / static_cast<double>(end_ - begin_);
  return options_.sparsity * (1.0 - std::pow(1.0 - p, options_.power));
}

void MagnitudePruner::update_masks(double sparsity) {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < weights_.size(); ++i) {
    const torch::Tensor magnitude = weights_[i].detach().abs().flatten();
    const int64_t n = magnitude.numel();
    const auto k = static_cast<int64_t>(std::floor(sparsity * static_cast<double>(n)));
    torch::Tensor keep = torch::ones({n}, torch::kBool);
    // Exactly k entries go, the smallest first (a stable sort: ties go in index order, reproducibly).
    if (k > 0) keep.index_fill_(0, std::get<1>(magnitude.sort(/*stable=*/true, 0, false)).slice(0, 0, k), false);
    masks_[i] = keep.view_as(weights_[i]);
  }
}

void MagnitudePruner::apply() {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < weights_.size(); ++i) weights_[i].mul_(masks_[i]);
}

void MagnitudePruner::after_step(int64_t step) {
  if (!fixed_ && step >= begin_ && step <= end_ && ((step - begin_) % options_.frequency == 0 || step == end_))
    update_masks(target(step));
  apply();
}

double MagnitudePruner::sparsity() const {
  int64_t zeros = 0, total = 0;
  for (const auto& w : weights_) {
    zeros += w.detach().eq(0).sum().item<int64_t>();
    total += w.numel();
  }
  return total ? static_cast<double>(zeros) / static_cast<double>(total) : 0.0;
}

}  // namespace tinyfit::train
