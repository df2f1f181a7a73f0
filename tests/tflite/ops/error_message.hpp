// Helpers for op error tests: the message of the tinyfit::Error a callable throws ("" when it
// throws none), and a substring predicate for EXPECT_PRED2 (gmock is not linked).
#pragma once

#include <string>

#include "core/error.hpp"

namespace tinyfit::tflite::test {

template <class F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const tinyfit::Error& e) {
    return e.what();
  }
  return "";
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace tinyfit::tflite::test
