// The small KWS architecture the model tests share: 13 x 9 input, 6 channels, 2 blocks (x2 expansion),
// large enough to exercise every layer kind and small enough to train in milliseconds.
#pragma once

#include "models/kws_arch.hpp"

namespace tinyfit::models {

inline KwsArch tiny_kws_arch(KwsFamily family) {
  KwsArch a;
  a.family = family;
  a.rows = 13;
  a.cols = 9;
  a.channels = 6;
  a.blocks = 2;
  a.expansion = 2;
  return a;
}

}  // namespace tinyfit::models
