#include "stable_order.hpp"

#include <algorithm>
#include <numeric>

namespace loyalty {

std::vector<std::size_t> stable_order(std::size_t n, const void* items, PositionLess less) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return less(items, a, b); });
  return order;
}

}  // namespace loyalty
