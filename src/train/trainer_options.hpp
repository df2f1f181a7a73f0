// What the trainer is told and what it reports, without LibTorch types, so that the CLI can set
// options and print progress without LibTorch headers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tinyfit::train {

// CrossEntropy: classification; targets are class indices and the validation score is the error rate.
enum class Loss { Mse, L1, CrossEntropy };
Loss parse_loss(const std::string& name);  // "mse" | "l1" | "ce"; Error otherwise
const char* loss_name(Loss loss);

// Magnitude pruning during training (train/pruner.hpp): the final fraction of zeros in each pruned
// weight tensor, reached by a polynomial-decay schedule between two points of the training.
struct PruningOptions {
  double sparsity = 0.0;            // 0: no pruning
  double begin = 0.2, end = 0.7;    // fractions of the training's optimizer steps
  int frequency = 25;               // optimizer steps between mask updates
  double power = 3.0;               // tfmot's PolynomialDecay exponent
  bool enabled() const { return sparsity > 0.0; }
};

// Knowledge distillation (CrossEntropy with a teacher, see BatchHooks::teacher): the loss is
// (1 - alpha) * CE(labels) + alpha * T^2 * KL(softmax(teacher / T) || softmax(student / T)), Hinton et al.'s
// form; the T^2 keeps the soft term's gradients on the scale of the hard one's.
struct DistillOptions {
  double alpha = 0.0;  // 0: no distillation
  double temperature = 4.0;
  bool enabled() const { return alpha > 0.0; }
};

struct TrainerOptions {
  int epochs = 60;
  int batch_size = 128;
  double lr = 3e-3;
  double final_lr_fraction = 0.05;  // cosine decay from lr to lr * this over the epochs
  double weight_decay = 0.0;
  Loss loss = Loss::L1;
  uint64_t seed = 1;                // batch order (the caller seeds the initial weights)
  int patience = 20;                // stop after this many epochs without a better validation score; 0: never
  int threads = 2;                  // LibTorch intra-op threads (fixed, so runs are reproducible)
  bool adamw = false;               // AdamW (decoupled weight decay) instead of Adam's L2 penalty
  int warmup_epochs = 0;            // linear warm-up to lr before the cosine decay (one-cycle-like)
  double label_smoothing = 0.0;     // CrossEntropy only
  DistillOptions distill;           // CrossEntropy only, and only with a teacher
  int select_from_epoch = 1;        // the best checkpoint is chosen among epochs >= this (pruning: once
                                    // the final sparsity is reached); patience counts from there too
  // Per-feature (last dimension) weights of the loss and of the validation score (sum of weighted
  // per-feature MAEs). Empty: all 1.
  std::vector<float> feature_weights;
};

struct EpochReport {
  int epoch = 0, epochs = 0;    // 1-based
  double train_loss = 0.0;      // mean over the epoch's batches
  std::vector<double> val_mae;  // per feature, physical units (regression losses)
  double val_accuracy = 0.0;    // percent correct (CrossEntropy)
  double val_score = 0.0;       // what the best checkpoint is chosen on (lower is better)
  bool best = false;            // this epoch's weights are the best so far
  double seconds = 0.0;         // since the start of training
  double eta_seconds = 0.0;     // to the last epoch (early stopping may end sooner)
};

using ProgressCallback = std::function<void(const EpochReport&)>;

struct TrainResult {
  std::vector<EpochReport> history;
  int best_epoch = 0;
  double best_score = 0.0;
  bool stopped_early = false;
  double seconds = 0.0;
};

}  // namespace tinyfit::train
