// Work arrays of the fast kernels, laid out over memory the caller binds: the interpreter's shared
// scratch (OpContext::scratch, one block for all ops) or, for standalone use (benchmarks), any block of
// bytes() bytes, such as a ScratchArena of their own. reserve() places the arrays (ScratchLayout) and
// records bytes(), bind() points them into the block.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinyfit::tflite::fast {

// An array at a fixed place (`offset`, set by ScratchLayout::place) in the block bound later.
template <class T>
struct ScratchArray {
  T* ptr = nullptr;
  size_t count = 0;
  size_t offset = 0;
  void bind(uint8_t* base) { ptr = reinterpret_cast<T*>(base + offset); }
  T* data() const { return ptr; }
  size_t size() const { return count; }
  T* begin() const { return ptr; }
  T* end() const { return ptr + count; }
  T& operator[](size_t i) const { return ptr[i]; }
};

// Places the arrays of one scratch struct one after the other, each 64-byte aligned; bytes() is the
// block they need.
class ScratchLayout {
 public:
  template <class T>
  void place(ScratchArray<T>& a, size_t count) {
    a.count = count;
    a.offset = bytes_;
    bytes_ += (count * sizeof(T) + 63) / 64 * 64;
  }
  size_t bytes() const { return bytes_; }

 private:
  size_t bytes_ = 0;
};

// Points every array into the block at base.
template <class... Arrays>
void bind_arrays(uint8_t* base, Arrays&... arrays) {
  (arrays.bind(base), ...);
}

}  // namespace tinyfit::tflite::fast
