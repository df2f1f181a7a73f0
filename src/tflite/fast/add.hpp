// Fast int8 ADD of two same-shape tensors with TFLite's reference numerics (ref::add_quantized),
// bit-identical. The reference's first two fixed-point multiplications each depend on one int8 input,
// so 256-entry tables of their results leave one int32 addition and the output requantization per
// element (ADD was a third of a residual KWS net's invoke time before the tables).
#pragma once

#include <array>
#include <cstdint>

namespace tinyfit::tflite::fast {

struct AddTables {
  std::array<int32_t, 256> scaled_a{}, scaled_b{};  // index: int8 value + 128
  int32_t output_multiplier = 0;
  int output_shift = 0;
  int32_t output_offset = 0, act_min = -128, act_max = 127;
  // AVX-512 VBMI builds: the two tables split into byte planes, [byte k of the int32][int8 value + 128],
  // looked up 64 elements at a time by vpermi2b (no gathers); filled by finish().
  std::array<uint8_t, 1024> planes_a{}, planes_b{};
  bool planes_ready = false;

  // Call once the fields above are set.
  void finish();
};

// out[i] = clamp(output_offset + MBQM(scaled_a[a[i] + 128] + scaled_b[b[i] + 128], multiplier, shift)).
void add_int8(const AddTables& t, const int8_t* a, const int8_t* b, int8_t* out, int64_t n);

}  // namespace tinyfit::tflite::fast
