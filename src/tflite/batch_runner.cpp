#include "tflite/batch_runner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "tflite/ref/conversion.hpp"

namespace tinyfit::tflite {

namespace {
// ref::affine_quantize's rounding, but clamped in float before the integer cast, so a caller's
// out-of-range value (1e30) stays defined instead of overflowing the int32 conversion.
template <class Q>
void quantize_into(const Tensor& t, std::span<const float> values, Q* out) {
  const float scale = t.quant.empty() ? 1.0f : t.quant.scale[0];
  const int64_t zero = t.quant.empty() ? 0 : t.quant.zero_point[0];
  constexpr float lo = std::numeric_limits<Q>::min(), hi = std::numeric_limits<Q>::max();
  for (size_t i = 0; i < values.size(); ++i) {
    const float q = std::round(values[i] / scale) + static_cast<float>(zero);
    out[i] = static_cast<Q>(std::clamp(q, lo, hi));
  }
}

// Outputs dequantize exactly as the DEQUANTIZE op does (ref::dequantize).
template <class Q>
void dequantize_from(const Tensor& t, const Q* in, std::span<float> values) {
  const double scale = t.quant.empty() ? 1.0 : t.quant.scale[0];
  const auto zero = static_cast<int32_t>(t.quant.empty() ? 0 : t.quant.zero_point[0]);
  ref::dequantize(in, values.data(), static_cast<int64_t>(values.size()), scale, zero);
}

std::string shape_text(const std::vector<int32_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

size_t elements(const ModelDef& model, int tensor_index) {
  size_t n = 1;
  for (int32_t d : model.tensors.at(static_cast<size_t>(tensor_index)).shape) n *= static_cast<size_t>(std::max(d, 1));
  return n;
}
}  // namespace

void set_input_float(Tensor& input, std::span<const float> values) {
  if (static_cast<int64_t>(values.size()) != input.num_elements())
    throw Error("model input " + shape_text(input.shape) + " takes " + std::to_string(input.num_elements()) +
                " values, got " + std::to_string(values.size()));
  switch (input.type) {
    case DType::Float32: std::copy(values.begin(), values.end(), input.as<float>()); break;
    case DType::Int8: quantize_into(input, values, input.as<int8_t>()); break;
    case DType::UInt8: quantize_into(input, values, input.as<uint8_t>()); break;
    default: throw Error(std::string("model input of type ") + dtype_name(input.type) + " is not supported");
  }
}

void get_output_float(const Tensor& output, std::span<float> values) {
  switch (output.type) {
    case DType::Float32: std::copy_n(output.as<float>(), values.size(), values.begin()); break;
    case DType::Int8: dequantize_from(output, output.as<int8_t>(), values); break;
    case DType::UInt8: dequantize_from(output, output.as<uint8_t>(), values); break;
    default: throw Error(std::string("model output of type ") + dtype_name(output.type) + " is not supported");
  }
}

size_t model_input_size(const ModelDef& model) {
  if (model.inputs.size() != 1) throw Error("expected a model with one input, got " + std::to_string(model.inputs.size()));
  return elements(model, model.inputs[0]);
}

size_t model_output_size(const ModelDef& model) {
  if (model.outputs.empty()) throw Error("model has no output");
  return elements(model, model.outputs[0]);
}

std::vector<float> run_batch(const ModelDef& model, std::span<const float> inputs, size_t count,
                             const InterpreterOptions& options, int threads) {
  const size_t in_size = model_input_size(model);
  const size_t out_size = model_output_size(model);
  if (inputs.size() != count * in_size)
    throw Error("got " + std::to_string(inputs.size()) + " input values for " + std::to_string(count) + " items of " +
                std::to_string(in_size));
  std::vector<float> outputs(count * out_size);
  const size_t workers = std::max<size_t>(1, std::min<size_t>(count, threads > 0 ? threads : default_threads()));
  const size_t chunk = (count + workers - 1) / workers;
  parallel_for(
      workers,
      [&](size_t w) {
        Interpreter interpreter(model, options);
        const size_t end = std::min(count, (w + 1) * chunk);
        for (size_t i = w * chunk; i < end; ++i) {
          set_input_float(interpreter.input(0), inputs.subspan(i * in_size, in_size));
          interpreter.invoke();
          get_output_float(interpreter.output(0), std::span<float>(outputs.data() + i * out_size, out_size));
        }
      },
      static_cast<int>(workers));
  return outputs;
}

}  // namespace tinyfit::tflite
