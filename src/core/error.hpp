// The one error type of tinyfit: a message a user can read and act on.
// Library code throws it at validation points (readers, option checks, op prepare);
// src/cli/main.cpp is the only place that catches and prints it.
#pragma once

#include <stdexcept>
#include <string>

namespace tinyfit {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace tinyfit
