// Magnitude pruning during training with tfmot's polynomial-decay schedule (issue 9): every pruned
// weight tensor loses its smallest-magnitude entries to a target sparsity that rises from 0 at the
// schedule's begin step to the final sparsity at its end step,
//     s(t) = s_final * (1 - (1 - p)^power),  p = (t - begin) / (end - begin) clamped to [0, 1],
// fast at first, when the net has the most redundancy, and slowly towards the end. The masks are
// recomputed every `frequency` steps and applied after every optimizer step, so a pruned weight stays
// exactly zero: through BatchNorm folding (a per-channel scale) and symmetric int8 quantization, which
// is what lets zlib shrink the delivered file.
#pragma once

#include <vector>

#include <torch/types.h>

#include "train/trainer_options.hpp"

namespace tinyfit::train {

class MagnitudePruner {
 public:
  // weights: the tensors to prune (parameters, pruned in place); total_steps: optimizer steps of the
  // training. Throws Error for a sparsity outside [0, 1) or begin > end.
  MagnitudePruner(std::vector<torch::Tensor> weights, const PruningOptions& options, int64_t total_steps);

  // Masks that keep what is non-zero now (for fine-tuning an already pruned net: QAT).
  static MagnitudePruner keep_zeros(std::vector<torch::Tensor> weights);

  double target(int64_t step) const;  // the schedule's sparsity after optimizer step `step` (1-based)
  int64_t end_step() const { return end_; }
  void after_step(int64_t step);      // update the masks if due, then zero the masked weights
  double sparsity() const;            // zeros / entries over all pruned tensors, now

 private:
  MagnitudePruner() = default;
  void update_masks(double sparsity);
  void apply();

  std::vector<torch::Tensor> weights_, masks_;
  PruningOptions options_;
  int64_t begin_ = 0, end_ = 0;
  bool fixed_ = false;  // keep_zeros: the masks never change
};

}  // namespace tinyfit::train
