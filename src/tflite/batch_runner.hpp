// Runs a model over many inputs in parallel (one interpreter per thread) with float in/out:
// int8 inputs are quantized and int8 outputs dequantized with the tensors' own parameters, so
// callers (eval, conformance tests, benchmarks) never care how the model is quantized.
#pragma once

#include <span>
#include <vector>

#include "tflite/interpreter.hpp"
#include "tflite/model.hpp"

namespace tinyfit::tflite {

// Copies `values` into a graph input: float32 as is, int8/uint8 quantized (round half away from
// zero, clamped) with the tensor's scale and zero point. Throws Error on a size or type mismatch.
void set_input_float(Tensor& input, std::span<const float> values);
// Reads a graph output as float (dequantized if int8/uint8).
void get_output_float(const Tensor& output, std::span<float> values);

// Elements of the model's single input and output.
size_t model_input_size(const ModelDef& model);
size_t model_output_size(const ModelDef& model);

// Runs the first input/output pair over `count` consecutive items of `inputs`; returns the outputs,
// [count][model_output_size]. threads <= 0: all cores.
std::vector<float> run_batch(const ModelDef& model, std::span<const float> inputs, size_t count,
                             const InterpreterOptions& options, int threads = 0);

}  // namespace tinyfit::tflite
