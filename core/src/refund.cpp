// Refunds (spec/engine.md, "Events"): the order is recomputed without the refunded units, in
// its own context, and the difference walks back. A full refund also walks back everything else
// the order did: points paid for rewards and vouchers used come back, signup bonuses it released
// are held again, and vouchers its punches or spend issued are taken back while still unused.
// Each effect is one line of the refund's history entry (docs/engine-json.md, "Refund lines"),
// and the lines add up to the entry's points.
#include <algorithm>

#include "audience.hpp"
#include "bounds.hpp"
#include "earning.hpp"
#include "ledger.hpp"

namespace loyalty {
namespace {

// The order's remaining cart minus the refunded units.
struct RefundedCart {
  Cart cart;
  std::map<std::string, i64> units;  // refunded, by sku (punch cards count them)
  bool full = false;
};

struct Refusal {
  std::string message, path;
};

// Takes the refunded units off `out.cart` (a copy of what the order has left); no `lines` means
// every unit. Returns the refusal when a line asks for more than is left.
std::optional<Refusal> take_units(const In& in, RefundedCart& out) {
  Cart& cart = out.cart;
  auto lines = in.find("lines");
  if (!lines) {
    for (auto& cl : cart.lines) {
      out.units[cl.sku] += cl.quantity;
      cl.quantity = 0;
    }
    return std::nullopt;
  }
  const auto& arr = lines->array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const In li = lines->at(i);
    li.object({"sku", "quantity"});
    const std::string sku = li.at("sku").string();
    i64 qty = li.at("quantity").integer(1, 1'000'000);
    for (auto& cl : cart.lines) {
      if (cl.sku != sku || qty == 0) continue;
      const i64 take = std::min(qty, cl.quantity);
      cl.quantity -= take;
      qty -= take;
      out.units[sku] += take;
    }
    if (qty > 0)
      return Refusal{"more units of " + sku + " than the order has left",
                     "/lines/" + std::to_string(i) + "/quantity"};
  }
  return std::nullopt;
}

// Rebuilds the nets of what is left; the order discount cannot exceed what is left, and a full
// refund refunds the shipping too.
void rebuild_nets(RefundedCart& r) {
  Cart& cart = r.cart;
  std::vector<CartLine> kept;
  cart.lines_net = 0;
  for (auto& cl : cart.lines) {
    if (cl.quantity == 0) continue;
    const i64 gross = cl.unit_price_minor * cl.quantity;
    cl.discount_minor = std::min(cl.discount_minor, gross);
    cl.net = gross - cl.discount_minor;
    cart.lines_net += cl.net;
    kept.push_back(cl);
  }
  cart.lines = std::move(kept);
  cart.order_discount_minor = std::min(cart.order_discount_minor, cart.lines_net);
  r.full = cart.lines.empty();
  if (r.full) cart.shipping_minor = 0;
}

// The order's purchase points by earning rule (caps included), rules in first-seen order.
std::vector<std::pair<std::string, i64>> points_by_rule(const std::vector<HistoryLine>& lines) {
  std::vector<std::pair<std::string, i64>> out;
  for (const auto& line : lines) {
    auto it =
        std::find_if(out.begin(), out.end(), [&](const auto& x) { return x.first == line.rule; });
    if (it == out.end())
      out.emplace_back(line.rule, line.points);
    else
      it->second = add(it->second, line.points);
  }
  return out;
}

std::optional<i64> points_of(const std::vector<std::pair<std::string, i64>>& by_rule,
                             const std::string& rule) {
  for (const auto& [id, points] : by_rule)
    if (id == rule) return points;
  return std::nullopt;
}

// Takes up to `amount` of what the order still has waiting in `field` (its points or its
// cashback); an entry with nothing left goes. Returns what is left to take.
i64 take_pending(Ledger& l, const OrderRecord& rec, i64 amount, i64 PendingPoints::*field) {
  i64 left = amount;
  for (auto& pend : l.pending) {
    if (pend.event_id != rec.event_id || left == 0) continue;
    const i64 take = std::min(left, pend.*field);
    pend.*field -= take;
    left -= take;
  }
  std::erase_if(l.pending, [](const PendingPoints& x) { return x.points == 0 && !x.credit_minor; });
  return left;
}

// Takes `points` the order credited back: still pending ones are simply cancelled, the rest
// comes off the balance, which may go negative.
void take_back_points(Ledger& l, const OrderRecord& rec, i64 points) {
  debit_points(l, take_pending(l, rec, points, &PendingPoints::points), true);
}

// Takes back `credit` of the order's cashback: still pending first, then off the credit held
// (never below zero). Returns what was taken.
i64 take_back_cashback(Ledger& l, const OrderRecord& rec, i64 credit) {
  const i64 left = take_pending(l, rec, credit, &PendingPoints::credit_minor);
  const i64 held = std::min(left, l.store_credit_minor);
  l.store_credit_minor -= held;
  return credit - left + held;
}

class Walkback {
 public:
  // `order_program` is the version the order was posted under: its points are recomputed by it.
  Walkback(const Program& p, const Program& order_program, MemberState& s, const Event& e,
           OrderRecord& rec)
      : p_(p),
        order_program_(order_program),
        l_(s.ledger),
        e_(e),
        rec_(rec),
        h_(history_entry(p, e.id, "refund", e.at)) {
    h_.extra["order_id"] = rec.order_id;
  }

  // Purchase points: one line per earning rule whose points changed.
  i64 earning(const Recomputed& recomputed) {
    const i64 reversal = rec_.points - recomputed.points;
    if (reversal > 0) take_back_points(l_, rec_, reversal);
    if (reversal < 0) credit_points(p_, l_, -reversal, e_.at);
    l_.lifetime.earned = sub(l_.lifetime.earned, reversal);
    if (reversal == 0) return 0;
    const auto before = points_by_rule(recompute_order(order_program_, rec_).lines);
    const auto now = points_by_rule(recomputed.lines);
    i64 explained = 0;
    auto walk = [&](const std::string& rule, i64 was, i64 is) {
      if (was == is) return;
      line(rule, is - was, explain("refund.earn").arg("rule", rule).arg("points", was - is));
      explained = add(explained, was - is);
    };
    for (const auto& [rule, was] : before) walk(rule, was, points_of(now, rule).value_or(0));
    for (const auto& [rule, is] : now)
      if (!points_of(before, rule)) walk(rule, 0, is);
    // The order was posted under another program version: what the rules no longer explain.
    if (explained != reversal)
      line("order", explained - reversal,
           explain("refund.earn").arg("rule", "").arg("points", reversal - explained));
    return reversal;
  }

  // Full refund: the points paid for each reward come back, and the vouchers used are returned.
  void rewards() {
    i64 returned = 0;
    for (const auto& item : rec_.redeem) {
      if (item.cost <= 0) continue;
      returned = add(returned, item.cost);
      line(item.reward, item.cost,
           explain("refund.reward_returned").arg("reward", item.reward).arg("points", item.cost));
    }
    if (rec_.spent != returned)  // a state written before costs were kept per reward
      line(
          "refund", rec_.spent - returned,
          explain("refund.reward_returned").arg("reward", "").arg("points", rec_.spent - returned));
    credit_points(p_, l_, rec_.spent, e_.at);
    l_.lifetime.redeemed = sub(l_.lifetime.redeemed, rec_.spent);
    for (const auto& v : rec_.vouchers) {
      if (v.expires_at && e_.at >= *v.expires_at) continue;  // past its date: nothing to return
      l_.vouchers.push_back(v);
      line(v.reward, 0,
           explain("refund.voucher_returned").arg("reward", v.reward).arg("voucher", v.id));
    }
    for (const auto& key : rec_.coupons) {  // the claim comes back: the code may be used again
      auto c = l_.counters.find("coupon:" + key);
      if (c != l_.counters.end() && c->second.count > 0) --c->second.count;
      line(key, 0, explain("refund.coupon_returned").arg("code", key));
    }
  }

  // Store credit: the cashback of the refunded units comes back off the credit held (never
  // below zero); a full refund returns the credit the order spent.
  void store_credit(const Recomputed& now, bool full) {
    const i64 take = take_back_cashback(l_, rec_, std::max<i64>(0, rec_.cashback - now.cashback));
    if (take > 0) {
      line("cashback", 0, explain("refund.cashback").arg("credit_minor", take));
    }
    rec_.cashback = now.cashback;
    if (!full || rec_.credit_spent <= 0) return;
    l_.store_credit_minor = add(l_.store_credit_minor, rec_.credit_spent);
    line("store_credit", 0,
         explain("refund.store_credit_returned").arg("credit_minor", rec_.credit_spent));
  }

  // Full refund: the signup bonuses the order released are held again for the next order.
  i64 bonuses() {
    i64 total = 0;
    for (const auto& b : rec_.released) {
      take_back_points(l_, rec_, b.points);
      l_.lifetime.earned = sub(l_.lifetime.earned, b.points);
      l_.held.push_back(b);
      line(b.rule, -b.points, explain("refund.bonus_held").arg("points", b.points));
      total = add(total, b.points);
    }
    return total;
  }

  // Punches come off the card; a card the order completed gives back its voucher if unused.
  void punches(const RefundedCart& r) {
    for (const auto& card : p_.punch_cards) {
      auto it = rec_.punches.find(card.id);
      if (it == rec_.punches.end()) continue;
      i64 back = 0;
      if (card.per_item) {
        for (const auto& [sku, units] : r.units)
          for (const auto& cl : rec_.cart.lines)
            if (cl.sku == sku && matches(card.match, cl)) {
              back += units;  // every refunded sku of the card, not only the last
              break;
            }
        back = std::min(back, it->second);
      } else if (r.full) {
        back = it->second;
      }
      if (back == 0) continue;
      it->second -= back;
      i64& count = l_.punches[card.id];
      count -= back;
      line(card.id, 0, explain("refund.punches").arg("card", card.id).arg("punches", back));
      while (count < 0 && take_voucher("punch_card:" + card.id)) count += card.required;
      count = std::max<i64>(0, count);
    }
  }

  // Spend toward thresholds comes off; a voucher the spend issued goes back if unused.
  void thresholds(const std::map<std::string, i64>& now) {
    for (const auto& [rule, spend] : rec_.threshold_spend) {
      const auto it = now.find(rule);
      const i64 drop = spend - (it == now.end() ? 0 : it->second);
      i64& progress = l_.threshold_progress[rule];
      progress -= drop;
      const EarnRule* r = p_.rule(rule);
      while (progress < 0 && r && take_voucher("rule:" + rule)) progress += r->every_minor;
      progress = std::max<i64>(0, progress);
    }
  }

  // Qualifying value toward the tier, dated at the order so it leaves the order's period.
  void qualifying(i64 spend_drop, i64 points_drop, bool full) {
    l_.lifetime.spend_minor = sub(l_.lifetime.spend_minor, spend_drop);
    if (!p_.tiers) return;
    const i64 drop = p_.tiers->basis == TierBasis::spend    ? spend_drop
                     : p_.tiers->basis == TierBasis::points ? points_drop
                                                            : (full ? 1 : 0);
    add_contribution(p_, l_, rec_.at, -drop);
  }

  HistoryEntry finish() { return std::move(h_); }

 private:
  Explain explain(const char* key) const {
    return std::move(Explain::of(key).arg("order_id", rec_.order_id));
  }
  void line(const std::string& rule, i64 points, Explain why) {
    h_.lines.push_back({rule, points, std::move(why)});
    h_.points = add(h_.points, points);
  }
  // Takes back the latest unused voucher from `source` that this order issued.
  bool take_voucher(const std::string& source) {
    const std::string prefix = "v-" + rec_.event_id + "-";
    for (auto it = l_.vouchers.rbegin(); it != l_.vouchers.rend(); ++it) {
      const std::string& id = it->id;
      const bool ours = id.size() > prefix.size() && id.compare(0, prefix.size(), prefix) == 0 &&
                        std::all_of(id.begin() + static_cast<std::ptrdiff_t>(prefix.size()),
                                    id.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!ours || it->source != source) continue;
      line(source.substr(source.find(':') + 1), 0,
           explain("refund.voucher_taken_back").arg("reward", it->reward).arg("voucher", id));
      l_.vouchers.erase(std::next(it).base());
      return true;
    }
    return false;
  }

  const Program& p_;
  const Program& order_program_;
  Ledger& l_;
  const Event& e_;
  OrderRecord& rec_;
  HistoryEntry h_;
};

}  // namespace

void refund_event(const Program& p, MemberState& s, const Event& e, const Program& order_program) {
  const In in = e.in();
  check_event_fields(in, {"order_id", "lines", "reason"});
  const std::string order_id = in.at("order_id").string();
  auto found = s.orders.find(order_id);
  // One message for an order never posted and one the window let go of: a state that dropped
  // the order cannot tell them apart, and a replay must answer as the chain of applies does.
  const std::string not_found = "no order " + order_id + " to refund within the refund window (" +
                                std::to_string(p.refund_days) + " days)";
  if (found == s.orders.end()) return reject_event(p, s, e, "not_eligible", not_found, "/order_id");
  OrderRecord& rec = found->second;
  if (before_window(p, s.ledger, rec.at))
    return reject_event(p, s, e, "not_eligible", not_found, "/order_id");
  if (rec.refunded)
    return reject_event(p, s, e, "not_eligible", "order " + order_id + " is fully refunded");
  RefundedCart r{rec.cart, {}, false};
  if (auto refusal = take_units(in, r))
    return reject_event(p, s, e, "not_eligible", refusal->message, refusal->path);
  rebuild_nets(r);

  OrderRecord after = rec;
  after.cart = r.cart;
  const Recomputed now = recompute_order(order_program, after);
  Walkback walk(p, order_program, s, e, rec);
  const i64 reversal = walk.earning(now);
  i64 bonus = 0;
  if (r.full) {
    walk.rewards();
    bonus = walk.bonuses();
  }
  walk.punches(r);
  walk.thresholds(now.threshold_spend);
  walk.store_credit(now, r.full);
  walk.qualifying(rec.spend - now.spend, add(reversal, bonus), r.full);
  if (r.full) {
    s.ledger.lifetime.orders -= 1;
    auto& times = s.ledger.order_times;  // a fully refunded order counts nowhere
    if (auto t = std::find(times.begin(), times.end(), rec.at); t != times.end()) times.erase(t);
    rec.refunded = true;
    rec.released.clear();
  }
  count_segments(p, s.ledger, rec.cart, e.at, -1);  // the lines that were there ...
  count_segments(p, s.ledger, r.cart, e.at, 1);     // ... and those still held
  rec.cart = r.cart;
  rec.points = now.points;
  rec.spend = now.spend;
  rec.threshold_spend = now.threshold_spend;
  s.history.push_back(walk.finish());
}

}  // namespace loyalty
