// The benchmarks' shared fixtures: the realistic program (tests/bench/fashion.json: 10 earn
// rules, 3 tiers, 6 rewards), carts of any length, and a Silver member's state as the widget
// holds it. Used by core_bench.cpp (Google Benchmark) and preview_count.cpp (instruction counts).
#pragma once

#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include "ledger.hpp"
#include "loyalty/loyalty.hpp"

namespace loyalty::bench {

using loyalty::json;

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline const std::string& program_text() {
  static const std::string text = read_file(LOYALTY_BENCH_DIR "/fashion.json");
  return text;
}

inline json cart(int lines) {
  static const char* skus[] = {"sneaker", "coat", "socks", "scarf", "giftcard"};
  static const char* cats[] = {"shoes", "coats", "accessories", "accessories", "gift"};
  json out = {{"currency", "USD"}, {"at", "2026-11-20T17:30:00-05:00"}, {"shipping_minor", 800}};
  out["lines"] = json::array();
  for (int i = 0; i < lines; ++i)
    out["lines"].push_back({{"sku", std::string(skus[i % 5]) + std::to_string(i)},
                            {"category", cats[i % 5]},
                            {"unit_price_minor", 1500 + 731 * i},
                            {"quantity", 1 + i % 3}});
  return out;
}

// A member in Silver with points and a punch card under way, no history (what the widget sends).
inline json member_state(const loyalty::Engine& engine) {
  json events = json::array();
  events.push_back({{"id", "e0"},
                    {"at", "2026-01-05T10:00:00-05:00"},
                    {"type", "enroll"},
                    {"member_id", "m-1"}});
  for (int i = 1; i <= 6; ++i)
    events.push_back({{"id", "e" + std::to_string(i)},
                      {"at", "2026-0" + std::to_string(i + 1) + "-10T12:00:00-05:00"},
                      {"type", "order"},
                      {"order_id", "o" + std::to_string(i)},
                      {"cart", cart(3)}});
  for (auto& e : events)
    if (e.contains("cart")) e["cart"]["at"] = e["at"];
  json state = json::parse(engine.call("replay", json{{"events", events}}.dump()));
  state["history"] = json::array();
  state["internal"]["orders"] = json::array();  // previews need neither (what the widget holds)
  return state;
}

// The typed preview's inputs, parsed once; `run` is what BM_PreviewTyped and preview_count
// repeat: a copy of the member's ledger (preview_order commits to the copy it is given) and the
// preview of the cart with a $5-off redemption.
struct TypedPreview {
  explicit TypedPreview(int lines)
      : state_doc(member_state(engine)),
        state(state_from_json(In{state_doc.root(), "", "x"}, *engine.program())),
        cart_doc(bench::cart(lines)),
        cart(parse_cart(In{cart_doc.root(), "", "x"}, *engine.program())) {
    order.cart = &cart;
    order.at = *cart.at;
    order.redeem = {{"5-off", std::nullopt}};
  }
  TypedPreview(const TypedPreview&) = delete;  // `order` points at `cart`
  TypedPreview& operator=(const TypedPreview&) = delete;

  OrderOutcome run() const {
    Ledger ledger = state.ledger;
    return preview_order(*engine.program(), ledger, order);
  }

  const Engine engine{program_text()};
  const Document state_doc;
  const MemberState state;
  const Document cart_doc;
  const Cart cart;
  OrderRequest order;
};

}  // namespace loyalty::bench
