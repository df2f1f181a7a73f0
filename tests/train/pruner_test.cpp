// The magnitude pruner: tfmot's polynomial-decay schedule, exact per-tensor sparsity by magnitude,
// pruned weights that stay zero, and checkpoint selection after the schedule in the trainer.
#include <gtest/gtest.h>

#include <cmath>

#include <torch/torch.h>

#include "core/error.hpp"
#include "train/pruner.hpp"
#include "train/trainer.hpp"

namespace tinyfit::train {
namespace {

PruningOptions schedule(double sparsity, double begin, double end, int frequency = 1) {
  PruningOptions o;
  o.sparsity = sparsity;
  o.begin = begin;
  o.end = end;
  o.frequency = frequency;
  return o;
}

TEST(MagnitudePruner, ScheduleIsTfmotPolynomialDecay) {
  torch::Tensor w = torch::randn({10});
  const MagnitudePruner p({w}, schedule(0.8, 0.2, 0.6), 100);  // steps 20 .. 60
  EXPECT_EQ(p.end_step(), 60);
  EXPECT_DOUBLE_EQ(p.target(0), 0.0);
  EXPECT_DOUBLE_EQ(p.target(19), 0.0);
  EXPECT_DOUBLE_EQ(p.target(20), 0.0);
  EXPECT_NEAR(p.target(40), 0.8 * (1.0 - std::pow(0.5, 3.0)), 1e-12);  // half way: 7/8 of the target
  EXPECT_DOUBLE_EQ(p.target(60), 0.8);
  EXPECT_DOUBLE_EQ(p.target(100), 0.8);
  for (int64_t s = 21; s <= 60; ++s) EXPECT_GE(p.target(s), p.target(s - 1));
}

TEST(MagnitudePruner, ZeroesExactlyTheSmallestMagnitudesOfEachTensor) {
  torch::Tensor a = torch::tensor({0.5f, -0.1f, 0.3f, -0.9f, 0.05f, 0.7f, -0.2f, 0.4f, 0.6f, -0.8f});
  torch::Tensor b = torch::tensor({{1.0f, -2.0f}, {3.0f, -4.0f}});
  MagnitudePruner p({a, b}, schedule(0.5, 0.0, 0.0), 10);  // one-shot at step 0
  p.after_step(0);
  EXPECT_TRUE(torch::equal(a, torch::tensor({0.5f, 0.0f, 0.0f, -0.9f, 0.0f, 0.7f, 0.0f, 0.0f, 0.6f, -0.8f})));
  EXPECT_TRUE(torch::equal(b, torch::tensor({{0.0f, 0.0f}, {3.0f, -4.0f}})));
  EXPECT_DOUBLE_EQ(p.sparsity(), 7.0 / 14.0);
  // An optimizer step that moves pruned weights: the next step's masks put them back to zero.
  a.add_(1.0f);
  p.after_step(1);
  EXPECT_EQ(a.eq(0).sum().item<int64_t>(), 5);
}

TEST(MagnitudePruner, KeepZerosHoldsAnExistingPattern) {
  torch::Tensor w = torch::tensor({0.0f, 1.0f, 0.0f, 2.0f});
  MagnitudePruner p = MagnitudePruner::keep_zeros({w});
  EXPECT_DOUBLE_EQ(p.target(1000), 0.0);
  w.add_(5.0f);
  p.after_step(7);
  EXPECT_TRUE(torch::equal(w, torch::tensor({0.0f, 6.0f, 0.0f, 7.0f})));
}

TEST(MagnitudePruner, RejectsBadOptions) {
  torch::Tensor w = torch::randn({4});
  EXPECT_THROW(MagnitudePruner({w}, schedule(1.0, 0.1, 0.5), 10), Error);
  EXPECT_THROW(MagnitudePruner({w}, schedule(-0.1, 0.1, 0.5), 10), Error);
  EXPECT_THROW(MagnitudePruner({w}, schedule(0.5, 0.6, 0.5), 10), Error);
  EXPECT_THROW(MagnitudePruner({w}, schedule(0.5, 0.1, 0.5, 0), 10), Error);
}

TEST(Trainer, PrunedTrainingKeepsACheckpointFromTheFinalSparsityOn) {
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({256, 8});
  const torch::Tensor y = x.matmul(torch::randn({8, 1}));
  const Dataset train{x, y}, val{x.slice(0, 0, 64), y.slice(0, 0, 64)};
  torch::nn::Linear model(8, 1);
  TrainerOptions o;
  o.epochs = 6;
  o.batch_size = 64;  // 4 steps per epoch, 24 in all
  o.lr = 1e-2;
  o.threads = 1;
  o.select_from_epoch = 4;
  MagnitudePruner p({model->weight}, schedule(0.5, 0.0, 0.5), 24);  // final sparsity after step 12 = epoch 3
  const TrainResult r = fit(model, train, val, o, {}, {.after_step = [&p](int64_t step) { p.after_step(step); }});
  EXPECT_GE(r.best_epoch, 4);
  for (const auto& e : r.history) {
    if (e.epoch < 4) {
      EXPECT_FALSE(e.best);
    }
  }
  EXPECT_EQ(model->weight.eq(0).sum().item<int64_t>(), 4);
  o.select_from_epoch = 7;
  EXPECT_THROW(fit(model, train, val, o), Error);
}

}  // namespace
}  // namespace tinyfit::train
