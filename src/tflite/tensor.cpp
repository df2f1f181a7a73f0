#include "tflite/tensor.hpp"

#include <iterator>

namespace tinyfit::tflite {

namespace {
struct DTypeTraits {
  const char* name;
  size_t size;
};
constexpr DTypeTraits kDTypeTraits[] = {
    {"float32", 4}, {"float16", 2}, {"int32", 4}, {"uint8", 1},
    {"int64", 8},   {"bool", 1},    {"int16", 2}, {"int8", 1},
};
static_assert(std::size(kDTypeTraits) == static_cast<size_t>(DType::Count));
}  // namespace

size_t dtype_size(DType type) { return kDTypeTraits[static_cast<size_t>(type)].size; }
const char* dtype_name(DType type) { return kDTypeTraits[static_cast<size_t>(type)].name; }

}  // namespace tinyfit::tflite
