#include "tflite/op.hpp"

#include "core/error.hpp"

namespace tinyfit::tflite {

void OpContext::fail(const std::string& message) const {
  throw Error("node " + std::to_string(node_index_) + " (" + builtin_op_name(op_.opcode) + "): " + message);
}

void OpContext::request_scratch(size_t bytes) const {
  if (!scratch_) fail("internal: no scratch memory to request from");
  scratch_->request(bytes);
}

uint8_t* OpContext::scratch() const {
  if (!scratch_) fail("internal: no scratch memory");
  return scratch_->data();
}

}  // namespace tinyfit::tflite
