// Static memory planning for the interpreter's activations: every buffer gets an offset in one arena
// so that buffers alive at the same time never overlap (TFLite's greedy-by-size planner).
#pragma once

#include <cstddef>
#include <vector>

namespace tinyfit::tflite {

struct BufferRequest {
  size_t bytes = 0;
  int first_use = 0;  // index of the op that writes it (0 for graph inputs)
  int last_use = 0;   // index of the last op that reads it (inclusive)
};

struct MemoryPlan {
  std::vector<size_t> offsets;  // one per request, multiples of the alignment
  size_t arena_bytes = 0;       // the arena's size (a multiple of the alignment)
};

// Places the largest buffers first, each at the lowest aligned offset that does not overlap a
// placed buffer whose lifetime [first_use, last_use] intersects its own.
MemoryPlan plan_memory(const std::vector<BufferRequest>& requests, size_t alignment = 64);

}  // namespace tinyfit::tflite
