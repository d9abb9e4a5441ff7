// The operations of spec/engine.md on parsed input: each takes the program and the request
// (without `program`) and returns the response document. The JSON door (loyalty.cpp) wraps them.
#pragma once

#include "ledger.hpp"

namespace loyalty {

json op_validate(const Program& program, const In& request);
json op_replay(const Program& program, const In& request);
json op_apply(const Program& program, const In& request);
json op_advance(const Program& program, const In& request);
// Preview writes its response text itself (json_write.hpp): it is the hot operation.
std::string op_preview(const Program& program, const In& request);
json op_catalog(const Program& program, const In& request);
json op_metrics(const Program& program, const In& request);
// Many members replayed, each answered by a few figures (the merchant page's what-if simulator).
std::string op_simulate(const Program& program, const In& request);

// A preview request read: the cart, the order it would be, and the member's ledger brought to
// the order's time. `order.cart` points at `cart`, so the struct stays where it was filled.
struct PreviewInput {
  Cart cart;
  Timestamp at;
  OrderRequest order;
  Ledger ledger;
  std::optional<BirthdayGrant> birthday;  // granted bringing the ledger to `at`
};
void read_preview(const Program& program, const In& request, PreviewInput& out);
// The member's ledger of the request's `state` (none: a guest) brought to `t`, as apply would
// find it just before an event at `t`.
Ledger ledger_at(const Program& program, const In& request, Timestamp t);

// Ratios as decimal strings with 4 places, rounded half up: "70.0000". Null when den is 0.
json decimal4(i128 num, i128 den);

}  // namespace loyalty
