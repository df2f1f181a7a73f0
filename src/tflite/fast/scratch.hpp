// Work arrays of the fast kernels, laid out over memory the caller binds: the interpreter's shared
// scratch (OpContext::scratch, one block for all ops) or, for standalone use (benchmarks), a block the
// struct owns. reserve() computes the layout (each array 64-byte aligned), bind() points the arrays
// into a block of bytes() bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

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

// A block for standalone use, 64-byte aligned.
class OwnedScratch {
 public:
  uint8_t* get(size_t bytes) {
    if (storage_.size() < bytes + 64) storage_.assign(bytes + 64, 0);
    const auto address = reinterpret_cast<uintptr_t>(storage_.data());
    return storage_.data() + ((64 - address % 64) % 64);
  }

 private:
  std::vector<uint8_t> storage_;
};

}  // namespace tinyfit::tflite::fast
