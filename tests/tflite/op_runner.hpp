// test::OpRunner: runs one op registration outside the interpreter (TFLite's KernelRunner idea).
// Tests build the op's tensors by hand, then prepare + eval it and read the outputs back:
//
//   #include "tflite/op_runner.hpp"   (tests/ is on the include path)
//   OpRunner r(ops::register_conv_2d(), options);
//   r.add_input(DType::Float32, {1, 4, 4, 1}, input_values);
//   r.add_input(DType::Float32, {1, 3, 3, 1}, filter_values, {}, /*constant=*/true);
//   r.add_absent_input();                       // optional bias (-1)
//   r.add_output(DType::Float32);
//   r.run();                                    // prepare, allocate outputs, eval
//   EXPECT_EQ(r.output_shape(0), (std::vector<int32_t>{1, 2, 2, 1}));
//   auto y = r.output_values<float>(0);
//
// Every tensor owns 64-byte aligned storage (like the interpreter's arena), so fast kernels see the
// same alignment as in production. Inputs can be refilled and invoke() called again without a new
// prepare, as the interpreter does.
#pragma once

#include <algorithm>
#include <any>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "tflite/model.hpp"
#include "tflite/op.hpp"
#include "tflite/tensor.hpp"

namespace tinyfit::tflite::test {

// Per-tensor quantization with one scale and zero point.
inline Quantization quant(float scale, int64_t zero_point = 0) {
  Quantization q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

// Per-channel quantization along `axis` (zero points all 0, as TFLite requires for weights).
inline Quantization quant_per_channel(std::vector<float> scales, int axis) {
  Quantization q;
  q.zero_point.assign(scales.size(), 0);
  q.scale = std::move(scales);
  q.axis = axis;
  return q;
}

// round(x / scale) + zero_point, clamped to T's range (TFLite's quantize rounding: half away from 0).
template <class T>
std::vector<T> quantize(const std::vector<float>& values, float scale, int64_t zero_point = 0) {
  std::vector<T> out;
  out.reserve(values.size());
  for (float v : values) {
    double q = std::round(static_cast<double>(v) / scale) + static_cast<double>(zero_point);
    q = std::min<double>(std::max<double>(q, std::numeric_limits<T>::min()), std::numeric_limits<T>::max());
    out.push_back(static_cast<T>(q));
  }
  return out;
}

template <class T>
std::vector<float> dequantize(const std::vector<T>& values, float scale, int64_t zero_point = 0) {
  std::vector<float> out;
  out.reserve(values.size());
  for (T v : values) out.push_back(scale * static_cast<float>(static_cast<int64_t>(v) - zero_point));
  return out;
}

// Deterministic random test data.
inline std::vector<float> random_floats(size_t n, float lo, float hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}
template <class T>
std::vector<T> random_ints(size_t n, int lo, int hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(dist(rng));
  return v;
}

class OpRunner {
 public:
  explicit OpRunner(OpRegistration reg, OpOptions options = {}, bool reference_only = true)
      : reg_(reg), reference_only_(reference_only) {
    op_.opcode = static_cast<int32_t>(reg.code);
    op_.options = std::move(options);
  }

  OpOptions& options() { return op_.options; }
  void set_reference_only(bool v) { reference_only_ = v; }
  void set_int8_numerics(Int8Numerics n) { int8_numerics_ = n; }

  // Adds an input holding `values` (raw element type T must match dtype_size(type)). `constant`
  // marks it as known before invoke (weights, shape operands); returns the tensor index.
  template <class T>
  int add_input(DType type, std::vector<int32_t> shape, const std::vector<T>& values, Quantization q = {},
                bool constant = false) {
    check(sizeof(T) == dtype_size(type), "add_input: element type does not match dtype");
    const int index = add_tensor(type, std::move(shape), std::move(q));
    Slot& s = slots_[static_cast<size_t>(index)];
    check(static_cast<int64_t>(values.size()) == tensors_[static_cast<size_t>(index)].num_elements(),
          "add_input: value count does not match shape");
    allocate(index, values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(s.storage.get(), values.data(), values.size() * sizeof(T));
    tensors_[static_cast<size_t>(index)].is_constant = constant;
    op_.inputs.push_back(index);
    return index;
  }
  template <class T>
  int add_constant(DType type, std::vector<int32_t> shape, const std::vector<T>& values, Quantization q = {}) {
    return add_input(type, std::move(shape), values, std::move(q), /*constant=*/true);
  }
  // An optional input that is absent (index -1 in the operator's input list, e.g. FC without bias).
  void add_absent_input() { op_.inputs.push_back(-1); }

  // An output; prepare sets its shape, run()/prepare() allocate it.
  int add_output(DType type, Quantization q = {}) {
    const int index = add_tensor(type, {}, std::move(q));
    op_.outputs.push_back(index);
    return index;
  }

  // Runs the registration's prepare (which may throw Error), then allocates every output.
  void prepare() {
    OpContext ctx(tensors_, op_, /*node_index=*/0, op_data_, reference_only_, int8_numerics_, &scratch_);
    reg_.prepare(ctx);
    fold_requested_ = ctx.fold_requested();
    for (int index : op_.outputs) {
      const Tensor& t = tensors_[static_cast<size_t>(index)];
      allocate(index, static_cast<size_t>(t.num_elements()) * dtype_size(t.type));
    }
    prepared_ = true;
  }
  void invoke() {
    check(prepared_, "invoke before prepare");
    OpContext ctx(tensors_, op_, 0, op_data_, reference_only_, int8_numerics_, &scratch_);
    reg_.eval(ctx);
  }
  void run() {
    prepare();
    invoke();
  }

  // Replaces an input's values (same count) between invokes.
  template <class T>
  void set_values(int index, const std::vector<T>& values) {
    Tensor& t = tensors_[static_cast<size_t>(index)];
    check(values.size() * sizeof(T) == t.bytes, "set_values: size mismatch");
    std::memcpy(t.data, values.data(), t.bytes);
  }

  Tensor& tensor(int index) { return tensors_[static_cast<size_t>(index)]; }
  Tensor& output(size_t i) { return tensors_[static_cast<size_t>(op_.outputs[i])]; }
  const std::vector<int32_t>& output_shape(size_t i) { return output(i).shape; }
  template <class T>
  std::vector<T> output_values(size_t i) {
    const Tensor& t = output(i);
    check(sizeof(T) == dtype_size(t.type), "output_values: element type does not match dtype");
    const T* p = t.as<T>();
    return std::vector<T>(p, p + t.num_elements());
  }
  bool fold_requested() const { return fold_requested_; }
  const OperatorDef& op() const { return op_; }

 private:
  struct AlignedFree {
    void operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t(64)); }
  };
  struct Slot {
    std::unique_ptr<uint8_t[], AlignedFree> storage;
  };

  static void check(bool ok, const char* what) {
    if (!ok) throw std::logic_error(std::string("OpRunner: ") + what);
  }

  int add_tensor(DType type, std::vector<int32_t> shape, Quantization q) {
    Tensor t;
    t.type = type;
    t.shape = std::move(shape);
    t.quant = std::move(q);
    tensors_.push_back(std::move(t));
    slots_.emplace_back();
    return static_cast<int>(tensors_.size() - 1);
  }

  void allocate(int index, size_t bytes) {
    Slot& s = slots_[static_cast<size_t>(index)];
    // At least one byte so that data is never null, even for empty tensors.
    s.storage.reset(static_cast<uint8_t*>(::operator new[](bytes == 0 ? 1 : bytes, std::align_val_t(64))));
    std::memset(s.storage.get(), 0, bytes == 0 ? 1 : bytes);
    Tensor& t = tensors_[static_cast<size_t>(index)];
    t.data = s.storage.get();
    t.bytes = bytes;
  }

  OpRegistration reg_;
  OperatorDef op_;
  std::vector<Tensor> tensors_;
  std::vector<Slot> slots_;
  std::any op_data_;
  ScratchArena scratch_;
  bool reference_only_;
  Int8Numerics int8_numerics_ = Int8Numerics::TfliteReference;  // the op tests check TFLite's numerics
  bool prepared_ = false;
  bool fold_requested_ = false;
};

}  // namespace tinyfit::tflite::test
