#include "tflite/memory_plan.hpp"

#include <algorithm>
#include <numeric>

namespace tinyfit::tflite {

namespace {
size_t align_up(size_t n, size_t alignment) { return (n + alignment - 1) / alignment * alignment; }
}  // namespace

MemoryPlan plan_memory(const std::vector<BufferRequest>& requests, size_t alignment) {
  MemoryPlan plan;
  plan.offsets.assign(requests.size(), 0);
  // Largest first; ties broken by earlier first use, then by index, so the plan is deterministic.
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (requests[a].bytes != requests[b].bytes) return requests[a].bytes > requests[b].bytes;
    return requests[a].first_use < requests[b].first_use;
  });

  struct Placed {
    size_t offset, end;
    int first, last;
  };
  std::vector<Placed> placed;
  placed.reserve(requests.size());
  std::vector<const Placed*> live;
  for (size_t index : order) {
    const BufferRequest& r = requests[index];
    const size_t bytes = align_up(std::max<size_t>(r.bytes, 1), alignment);
    // The placed buffers that share a moment with this one, by offset; take the first gap that fits.
    live.clear();
    for (const Placed& p : placed)
      if (p.first <= r.last_use && r.first_use <= p.last) live.push_back(&p);
    std::sort(live.begin(), live.end(), [](const Placed* a, const Placed* b) { return a->offset < b->offset; });
    size_t offset = 0;
    for (const Placed* p : live) {
      if (offset + bytes <= p->offset) break;
      offset = std::max(offset, align_up(p->end, alignment));
    }
    placed.push_back({offset, offset + bytes, r.first_use, r.last_use});
    plan.offsets[index] = offset;
    plan.arena_bytes = std::max(plan.arena_bytes, offset + bytes);
  }
  return plan;
}

}  // namespace tinyfit::tflite
