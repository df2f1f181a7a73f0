#include "train/tflite_teacher.hpp"

#include <span>
#include <string>

#include "core/error.hpp"
#include "tflite/batch_runner.hpp"
#include "tflite/builtin_op.hpp"
#include "tflite/interpreter.hpp"

namespace tinyfit::train {

namespace {

bool ends_in_softmax(const tflite::ModelDef& m) {
  for (const tflite::OperatorDef& op : m.operators)
    for (int out : op.outputs)
      if (out == m.outputs[0]) return op.opcode == static_cast<int32_t>(tflite::BuiltinOp::Softmax);
  return false;
}

}  // namespace

TfliteTeacher::TfliteTeacher(tflite::ModelDef model, int64_t sample_size, int64_t classes)
    : sample_size_(sample_size), classes_(classes) {
  if (model.inputs.size() != 1 || model.outputs.size() != 1)
    throw Error("teacher: the model must have one input and one output (it has " + std::to_string(model.inputs.size()) +
                " and " + std::to_string(model.outputs.size()) + ")");
  const int64_t in = static_cast<int64_t>(tflite::model_input_size(model));
  const int64_t out = static_cast<int64_t>(tflite::model_output_size(model));
  if (in != sample_size || out != classes)
    throw Error("teacher: the model maps " + std::to_string(in) + " inputs to " + std::to_string(out) +
                " outputs; the student's samples have " + std::to_string(sample_size) + " values and " +
                std::to_string(classes) + " classes");
  softmax_output_ = ends_in_softmax(model);
  interpreter_ = std::make_unique<tflite::Interpreter>(std::move(model));
}

TfliteTeacher::TfliteTeacher(TfliteTeacher&&) noexcept = default;
TfliteTeacher::~TfliteTeacher() = default;

torch::Tensor TfliteTeacher::operator()(const torch::Tensor& batch) {
  const torch::Tensor x = batch.detach().to(torch::kFloat32).contiguous();
  const int64_t b = x.size(0);
  if (x.numel() != b * sample_size_)
    throw Error("teacher: a batch of " + std::to_string(b) + " samples has " + std::to_string(x.numel()) +
                " values, expected " + std::to_string(sample_size_) + " per sample");
  torch::Tensor logits = torch::empty({b, classes_}, torch::kFloat32);
  const float* src = x.data_ptr<float>();
  float* dst = logits.data_ptr<float>();
  tflite::Interpreter& it = *interpreter_;
  for (int64_t i = 0; i < b; ++i) {
    tflite::set_input_float(it.input(0), std::span<const float>(src + i * sample_size_, static_cast<size_t>(sample_size_)));
    it.invoke();
    tflite::get_output_float(it.output(0), std::span<float>(dst + i * classes_, static_cast<size_t>(classes_)));
  }
  // Probabilities of an int8 softmax can be exactly 0: floor them before the logarithm.
  if (softmax_output_) logits = torch::log(torch::clamp_min(logits, 1e-6f));
  return logits;
}

}  // namespace tinyfit::train
