#include "cart.hpp"

namespace loyalty {

namespace {
constexpr i64 kMaxPrice = 1'000'000'000'000;  // 10^12 minor units per unit
constexpr i64 kMaxQuantity = 1'000'000;
constexpr std::size_t kMaxLines = 10'000;
}  // namespace

Cart parse_cart(const In& outer, const Program& program) {
  const In in(outer, "invalid_cart");
  in.object({"currency", "at", "lines", "shipping_minor", "order_discount_minor"});
  Cart cart;
  const In currency = in.at("currency");
  if (currency.string() != program.currency.code)
    currency.fail("the cart is in " + std::string(currency.v.get_string()) +
                  " but the program in " + program.currency.code);
  if (auto at = in.find("at")) cart.at = read_timestamp(*at);
  const In lines = in.at("lines");
  const auto& arr = lines.array();
  if (arr.size() > kMaxLines) lines.fail("at most " + std::to_string(kMaxLines) + " lines");
  cart.lines.reserve(arr.size());
  // The line's members in one pass: a cart is read on every change to it.
  static constexpr std::string_view kFields[] = {
      "sku", "category", "name", "unit_price_minor", "quantity", "discount_minor"};
  enum Field { sku, category, name, unit_price, quantity, discount };
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const In l = lines.at(i);
    const Node* f[std::size(kFields)];
    l.fields(kFields, f);
    CartLine line;
    line.sku = l.required(f[sku], kFields[sku]).string();
    if (auto c = l.optional(f[category], kFields[category])) line.category = c->string();
    if (auto n = l.optional(f[name], kFields[name])) line.name = n->string_or_empty();
    line.unit_price_minor = l.required(f[unit_price], kFields[unit_price]).integer(0, kMaxPrice);
    line.quantity = l.required(f[quantity], kFields[quantity]).integer(1, kMaxQuantity);
    if (auto d = l.optional(f[discount], kFields[discount]))
      line.discount_minor = d->integer(0, INT64_MAX);
    // The checks of checked.hpp, with the line's pointer built only when one fails.
    i64 gross = 0;
    if (__builtin_mul_overflow(line.unit_price_minor, line.quantity, &gross))
      fail("overflow", l.path(), "product does not fit in 64 bits");
    if (line.discount_minor > gross)
      l.fail_at("discount_minor", "the line discount exceeds the line's price × quantity");
    line.net = gross - line.discount_minor;
    if (__builtin_add_overflow(cart.lines_net, line.net, &cart.lines_net))
      fail("overflow", l.path(), "sum does not fit in 64 bits");
    cart.lines.push_back(std::move(line));
  }
  cart.shipping_minor = in.integer("shipping_minor", 0, 0, kMaxPrice);
  cart.order_discount_minor = in.integer("order_discount_minor", 0, 0, INT64_MAX);
  if (cart.order_discount_minor > cart.lines_net)
    in.fail_at("order_discount_minor", "the order discount exceeds the merchandise total");
  return cart;
}

json cart_to_json(const Cart& cart, const Program& program) {
  json lines = json::array();
  for (const auto& l : cart.lines) {
    json line = Obj()("sku", l.sku)("unit_price_minor", l.unit_price_minor)("quantity", l.quantity);
    if (!l.category.empty()) line["category"] = l.category;
    if (l.discount_minor) line["discount_minor"] = l.discount_minor;
    lines.push_back(std::move(line));
  }
  json out = Obj()("currency", program.currency.code)("lines", std::move(lines));
  if (cart.at) out["at"] = format_timestamp(*cart.at, program.zone);
  if (cart.shipping_minor) out["shipping_minor"] = cart.shipping_minor;
  if (cart.order_discount_minor) out["order_discount_minor"] = cart.order_discount_minor;
  return out;
}

}  // namespace loyalty
