// The points an order earns (spec/program.md, "Earning"): every earning rule over the cart,
// the multipliers' extra points split exactly between them, the caps; a line per rule, each with
// its explanation. In its own file because it is the hottest code of a preview: the WebAssembly
// build compiles it for speed (wasm/CMakeLists.txt).
#pragma once

#include <string>
#include <vector>

#include "cart.hpp"
#include "policy.hpp"
#include "program.hpp"
#include "state.hpp"

namespace loyalty {

struct Earning {
  std::vector<HistoryLine> lines;
  i64 points = 0;
};

// Whether a rule's conditions (audience, time window, minimum order) hold for this order.
inline bool conditions_hold(const Conditions& c, const Program& p, Timestamp at, const Who& who,
                            i64 merchandise) {
  return in_audience(c, who) && in_window(c.when, at, p.zone) && merchandise >= c.min_order_minor;
}

// `nets` are the lines' nets the rules earn on (earning_nets), `shipping_net` what shipping
// earns on, `merchandise` the order's merchandise after discounts (for minimum-order conditions).
Earning compute_earning(const Program& p, const Cart& cart, Timestamp at, const Who& who,
                        const std::vector<i64>& nets, i64 shipping_net, i64 merchandise);

}  // namespace loyalty
