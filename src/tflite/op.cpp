#include "tflite/op.hpp"

#include "core/error.hpp"

namespace tinyfit::tflite {

void OpContext::fail(const std::string& message) const {
  throw Error("node " + std::to_string(node_index_) + " (" + builtin_op_name(op_.opcode) + "): " + message);
}

}  // namespace tinyfit::tflite
