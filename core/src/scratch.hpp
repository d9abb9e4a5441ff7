// Scratch arrays for the rules' inner loops: on the stack for the sizes nearly every call has
// (a few multiplier sources, the lines of a usual cart), on the heap beyond: small vectors would
// cost a malloc and a free each on every preview.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>

namespace loyalty {

template <class T, std::size_t N>
class Scratch {
 public:
  explicit Scratch(std::size_t n, T fill = T{}) : size_(n) {
    if (n > N) {
      heap_.reset(new T[n]);
      data_ = heap_.get();
    }
    std::fill_n(data_, n, fill);
  }
  // The data pointer may point into the object itself.
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }

 private:
  std::size_t size_;
  std::array<T, N> local_;  // left uninitialised past size_
  std::unique_ptr<T[]> heap_;
  T* data_ = local_.data();
};

}  // namespace loyalty
