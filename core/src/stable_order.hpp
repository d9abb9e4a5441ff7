// One stable sort for the whole core. Each call of std::stable_sort with its own element type or
// lambda compiles to its own merge code, and in the WebAssembly module that is download size
// (docs/performance.md); sorting positions with a plain function pointer compiles once.
#pragma once

#include <cstddef>
#include <vector>

namespace loyalty {

// Whether the item at position a goes before the one at position b; `items` is the caller's.
using PositionLess = bool (*)(const void* items, std::size_t a, std::size_t b);

// The positions 0..n-1 in the order `less` puts their items, equal items keeping their order.
std::vector<std::size_t> stable_order(std::size_t n, const void* items, PositionLess less);

// `items` rearranged into `order` (positions from stable_order).
template <typename T>
void rearrange(std::vector<T>& items, const std::vector<std::size_t>& order) {
  std::vector<T> out;
  out.reserve(items.size());
  for (std::size_t i : order) out.push_back(std::move(items[i]));
  items = std::move(out);
}

}  // namespace loyalty
