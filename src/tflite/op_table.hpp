// The table of ops the interpreter can run, looked up by builtin code.
#pragma once

#include <cstdint>
#include <span>

#include "tflite/op.hpp"

namespace tinyfit::tflite {

// The registration for a builtin code, or nullptr when tinyfit does not run that op.
const OpRegistration* find_op(int32_t code);

// Every registration, in table order (for listings and tests).
std::span<const OpRegistration> all_ops();

}  // namespace tinyfit::tflite
