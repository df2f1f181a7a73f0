// Knowledge distillation: the trainer's soft term teaches what the teacher knows even when the labels
// are noise, and TfliteTeacher returns what tinyfit's interpreter computes for the same file.
#include <gtest/gtest.h>

#include <random>

#include <torch/nn/modules/linear.h>

#include "core/error.hpp"
#include "tflite/batch_runner.hpp"
#include "train/kws_job.hpp"
#include "train/synthetic_kws.hpp"
#include "train/tflite_teacher.hpp"
#include "train/trainer.hpp"

namespace tinyfit::train {
namespace {

// Inputs [n, 4]; the teacher's logits are a fixed linear map of them; the training labels are random,
// the validation labels (which choose the checkpoint) the teacher's arg max.
struct NoisyLabels {
  Dataset train, val;
  torch::Tensor map;
};

NoisyLabels noisy_labels() {
  torch::manual_seed(5);
  NoisyLabels d;
  d.map = torch::randn({4, 3}) * 3.0;
  const torch::Tensor x = torch::randn({512, 4}), xv = torch::randn({256, 4});
  d.train = {x, torch::randint(0, 3, {512}, torch::kInt64)};
  d.val = {xv, xv.matmul(d.map).argmax(1)};
  return d;
}

// Percent of rows on which the student's arg max equals the teacher's.
double agreement(torch::nn::Linear& student, const NoisyLabels& d) {
  torch::NoGradGuard no_grad;
  const torch::Tensor mine = student->forward(d.val.inputs).argmax(1);
  return 100.0 * mine.eq(d.val.targets).to(torch::kFloat64).mean().item<double>();
}

double train_student(double alpha) {
  const NoisyLabels d = noisy_labels();
  torch::manual_seed(1);
  torch::nn::Linear student(4, 3);
  TrainerOptions o;
  o.loss = Loss::CrossEntropy;
  o.epochs = 20;
  o.batch_size = 64;
  o.lr = 0.05;
  o.threads = 1;
  o.distill.alpha = alpha;
  o.distill.temperature = 2.0;
  BatchHooks hooks;
  hooks.teacher = [&d](const torch::Tensor& x) { return x.matmul(d.map); };
  fit(student, d.train, d.val, o, {}, hooks);
  return agreement(student, d);
}

TEST(Distillation, TheSoftTermTeachesWhatTheLabelsDoNot) {
  const double labels_only = train_student(0.0), teacher_only = train_student(1.0);
  EXPECT_LT(labels_only, 70.0);  // noise labels: near chance (3 classes)
  EXPECT_GT(teacher_only, 95.0);
}

TEST(Distillation, RejectsAnAlphaAboveOne) {
  const NoisyLabels d = noisy_labels();
  torch::nn::Linear student(4, 3);
  TrainerOptions o;
  o.loss = Loss::CrossEntropy;
  o.distill.alpha = 1.5;
  EXPECT_THROW(fit(student, d.train, d.val, o), Error);
}

TEST(TfliteTeacher, GivesTheInterpretersOutputsAndChecksShapes) {
  const dsp::SplitFeatures train = synthetic(128, 1), val = synthetic(32, 2);
  const KwsJobResult r = train_kws(train, val, {}, kSilence, tiny_options(1, 2));
  TfliteTeacher teacher(r.int8_model, kRows * kCols, 8);
  EXPECT_FALSE(teacher.softmax_output());
  const torch::Tensor x = torch::from_blob(const_cast<float*>(val.values.data()), {32, kRows, kCols}).clone();
  const torch::Tensor logits = teacher(x);
  ASSERT_EQ(logits.sizes(), (std::vector<int64_t>{32, 8}));
  const std::vector<float> expected = tflite::run_batch(r.int8_model, val.values, 32, {}, 1);
  for (int64_t i = 0; i < 32 * 8; ++i) EXPECT_EQ(logits.view({-1})[i].item<float>(), expected[static_cast<size_t>(i)]);
  EXPECT_THROW(TfliteTeacher(r.int8_model, kRows * kCols + 1, 8), Error);
  EXPECT_THROW(TfliteTeacher(r.int8_model, kRows * kCols, 12), Error);
  EXPECT_THROW(teacher(torch::zeros({2, 5})), Error);
}

TEST(KwsJob, DistillsFromATeacherFile) {
  const dsp::SplitFeatures train = synthetic(256, 1), val = synthetic(64, 2);
  // The teacher is the plain run of the same options: the student differs only by the teacher's term.
  const KwsJobResult teacher = train_kws(train, val, {}, kSilence, tiny_options(1, 12));
  KwsJobOptions o = tiny_options(1, 12);
  o.teacher = teacher.int8_model;
  o.trainer.distill.alpha = 0.5;
  const KwsJobResult student = train_kws(train, val, {}, kSilence, o);
  EXPECT_GT(student.val_accuracy, 50.0);  // the tiny task's plain training reaches ~60 %
  // The teacher's term changed the training (same seed, same batches otherwise).
  EXPECT_NE(student.training.history.back().train_loss, teacher.training.history.back().train_loss);
}

}  // namespace
}  // namespace tinyfit::train
