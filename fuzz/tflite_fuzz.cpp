// Fuzz target: arbitrary bytes through the reader, and any model that reads through the interpreter
// (construct + one invoke on zero input). Only tinyfit::Error may escape the library; anything else
// (crash, sanitizer report, other exception) is a bug.
#include <cstdint>
#include <cstring>
#include <span>

#include "core/error.hpp"
#include "tflite/interpreter.hpp"
#include "tflite/reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tinyfit::tflite;
  try {
    ModelDef model = read_model(std::span<const uint8_t>(data, size), "fuzz");
    Interpreter interpreter(std::move(model), InterpreterOptions{.reference_only = (size & 1) != 0});
    for (size_t i = 0; i < interpreter.num_inputs(); ++i) {
      Tensor& t = interpreter.input(i);
      if (t.data != nullptr) std::memset(t.data, 0, t.bytes);
    }
    interpreter.invoke();
  } catch (const tinyfit::Error&) {
    // A clear rejection is the expected outcome for malformed input.
  }
  return 0;
}
