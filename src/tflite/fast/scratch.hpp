// Work arrays of the fast kernels, laid out over memory the caller binds: the interpreter's shared
// scratch (OpContext::scratch, one block for all ops) or, for standalone use (benchmarks), any block of
// bytes() bytes, such as a ScratchArena of their own. reserve() computes the layout (each array 64-byte
// aligned), bind() points the arrays into the block.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinyfit::tflite::fast {

template <class T>
struct ScratchArray {
  T* ptr = nullptr;
  size_t count = 0;
  T* data() const { return ptr; }
  size_t size() const { return count; }
  T* begin() const { return ptr; }
  T* end() const { return ptr + count; }
  T& operator[](size_t i) const { return ptr[i]; }
};

// Offsets of the arrays of one scratch struct; add() in order, then bytes().
class ScratchLayout {
 public:
  template <class T>
  size_t add(size_t count) {
    const size_t at = bytes_;
    bytes_ += (count * sizeof(T) + 63) / 64 * 64;
    return at;
  }
  size_t bytes() const { return bytes_; }
  void clear() { bytes_ = 0; }

 private:
  size_t bytes_ = 0;
};

template <class T>
void bind_array(ScratchArray<T>& a, uint8_t* base, size_t at, size_t count) {
  a.ptr = reinterpret_cast<T*>(base + at);
  a.count = count;
}

}  // namespace tinyfit::tflite::fast
