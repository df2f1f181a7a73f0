// Runtime tensors of the interpreter: type, shape, quantization and a pointer to the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tinyfit::tflite {

// The TFLite tensor types tinyfit knows. Values are tinyfit's own; the reader/writer map them
// to the schema's TensorType.
enum class DType : uint8_t { Float32, Float16, Int32, UInt8, Int64, Bool, Int16, Int8, Count };

size_t dtype_size(DType type);       // bytes per element
const char* dtype_name(DType type);  // "float32", "int8", ...

// Affine quantization: real = scale * (q - zero_point). One entry per tensor, or one per slice along
// `axis` (per-channel weights).
struct Quantization {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int axis = 0;
  bool empty() const { return scale.empty(); }
  bool per_channel() const { return scale.size() > 1; }
};

struct Tensor {
  DType type = DType::Float32;
  std::vector<int32_t> shape;
  Quantization quant;
  std::string name;          // empty when the file carries none
  uint8_t* data = nullptr;   // constant tensors: model buffer; others: the interpreter's arena
  size_t bytes = 0;
  bool is_constant = false;  // data known before invoke (from the file, or folded during prepare)

  int rank() const { return static_cast<int>(shape.size()); }
  int32_t dim(int i) const { return shape[static_cast<size_t>(i)]; }
  int64_t num_elements() const {
    int64_t n = 1;
    for (int32_t d : shape) n *= d;
    return n;
  }
  template <class T> T* as() { return reinterpret_cast<T*>(data); }
  template <class T> const T* as() const { return reinterpret_cast<const T*>(data); }
};

}  // namespace tinyfit::tflite
