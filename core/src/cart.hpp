// The shopper's cart (spec/program.md, "Cart"): lines in minor units, validated at the edge.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "program.hpp"

namespace loyalty {

struct CartLine {
  std::string sku, category, name;
  i64 unit_price_minor = 0;
  i64 quantity = 0;
  i64 discount_minor = 0;
  i64 net = 0;  // unit_price_minor × quantity − discount_minor
};

struct Cart {
  std::optional<Timestamp> at;
  std::vector<CartLine> lines;
  i64 shipping_minor = 0;
  i64 order_discount_minor = 0;
  i64 lines_net = 0;  // Σ line nets
};

// Reads a cart; its currency must be the program's. Errors are `invalid_cart` (or `overflow`).
Cart parse_cart(const In& in, const Program& program);
json cart_to_json(const Cart& cart, const Program& program);

}  // namespace loyalty
