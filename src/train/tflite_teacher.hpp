// A trained classifier file as a knowledge-distillation teacher (trainer.hpp: Teacher): tinyfit's
// interpreter runs it on every sample of a training batch, after augmentation, so the soft targets
// belong to exactly the input the student sees. An int8 file is fast enough for this (a KWS net of
// ~30 k parameters takes ~0.3 ms a clip: ~2 s per epoch of 6400 clips on one core).
#pragma once

#include <memory>

#include <torch/types.h>

#include "tflite/model.hpp"

namespace tinyfit::tflite {
class Interpreter;
}

namespace tinyfit::train {

class TfliteTeacher {
 public:
  // Throws Error unless the model has one input of `sample_size` elements and one output of
  // `classes` (float32 or int8/uint8: quantized / dequantized with the tensors' parameters).
  TfliteTeacher(tflite::ModelDef model, int64_t sample_size, int64_t classes);
  TfliteTeacher(TfliteTeacher&&) noexcept;
  ~TfliteTeacher();

  // batch [B, ...] (B x sample_size float32 values) -> logits [B, classes]. A model whose last op is
  // SOFTMAX gives probabilities; their logarithm is returned, equal to its logits up to a constant per
  // row, which softmax ignores.
  torch::Tensor operator()(const torch::Tensor& batch);

  bool softmax_output() const { return softmax_output_; }

 private:
  std::unique_ptr<tflite::Interpreter> interpreter_;
  int64_t sample_size_ = 0, classes_ = 0;
  bool softmax_output_ = false;
};

}  // namespace tinyfit::train
