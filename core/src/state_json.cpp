// Member state <-> JSON. The visible members follow spec/engine.md; `internal` carries what the
// rules need to go on and is read back exactly as written.
#include <algorithm>

#include "ledger.hpp"
#include "membership.hpp"
#include "program.hpp"
#include "state.hpp"
#include "tiers.hpp"

namespace loyalty {
namespace {

json ts(Timestamp t, const Program& p) {
  return format_timestamp(t, p.zone);
}
json ts(const std::optional<Timestamp>& t, const Program& p) {
  return t ? json(format_timestamp(*t, p.zone)) : json(nullptr);
}

json voucher_json(const Voucher& v, const Program& p) {
  return Obj()("id", v.id)("reward", v.reward)("source", v.source)("issued_at", ts(v.issued_at, p))(
      "expires_at", ts(v.expires_at, p));
}

Voucher voucher_from(const In& in) {
  in.object({"id", "reward", "source", "issued_at", "expires_at"});
  Voucher v;
  v.id = in.at("id").string();
  v.reward = in.at("reward").string();
  v.source = in.string("source", "");
  v.issued_at = read_timestamp(in.at("issued_at"));
  if (auto e = in.find("expires_at")) v.expires_at = read_timestamp(*e);
  return v;
}

json history_json(const HistoryEntry& h, const Program& p) {
  json lines = json::array();
  for (const auto& l : h.lines)
    lines.push_back(Obj()("rule", l.rule)("points", l.points)("explain", l.explain.to_json()));
  json out = h.extra.is_object() ? h.extra : json::object();
  out["event_id"] = h.event_id.empty() ? json(nullptr) : json(h.event_id);
  out["at"] = ts(h.at, p);
  out["kind"] = h.kind;
  out["points"] = h.points;
  out["program_version"] = h.program_version;
  out["lines"] = std::move(lines);
  if (!h.event_type.empty()) out["event_type"] = h.event_type;
  return out;
}

}  // namespace

HistoryEntry history_from(const In& in) {
  if (!in.v.is_object()) in.fail("expected a history entry object");
  HistoryEntry h;
  for (const auto& [key, value] : in.v.members()) {
    if (key == "event_id")
      h.event_id = value.is_string() ? std::string(value.get_string()) : "";
    else if (key == "at")
      h.at = read_timestamp(in.at("at"));
    else if (key == "kind")
      h.kind = in.at("kind").string();
    else if (key == "points")
      h.points = in.at("points").integer();
    else if (key == "program_version")
      h.program_version = in.at("program_version").integer();
    else if (key == "event_type")
      h.event_type = in.at("event_type").string();
    else if (key == "lines") {
      const In lines = in.at("lines");
      for (std::size_t i = 0; i < lines.array().size(); ++i) {
        const In l = lines.at(i);
        l.object({"rule", "points", "explain"});
        h.lines.push_back({l.at("rule").string_or_empty(), l.at("points").integer(),
                           l.at("explain").v.to_json()});
      }
    } else {
      h.extra[std::string(key)] = value.to_json();
    }
  }
  return h;
}

namespace {

// `{"<id>": "<at>"}`; a state written before ids had times lists the ids alone, and each counts
// as seen at the state's clock (so it is remembered for one more refund window).
void read_seen(const In& in, Timestamp clock, std::map<std::string, Timestamp>* out) {
  if (in.v.is_array()) {
    for (std::size_t i = 0; i < in.array().size(); ++i)
      if (std::string id = in.at(i).string(); out) out->emplace(std::move(id), clock);
    return;
  }
  if (!in.v.is_object()) in.fail("expected an object of event ids and their times");
  for (const auto& [id, at] : in.v.members()) {
    const Timestamp t = read_timestamp(in.member(at, id));
    if (out) out->emplace(std::string(id), t);
  }
}

json held_json(const std::vector<HeldBonus>& bonuses) {
  json out = json::array();
  for (const auto& b : bonuses) out.push_back(Obj()("rule", b.rule)("points", b.points));
  return out;
}

std::vector<HeldBonus> held_from(const In& in) {
  std::vector<HeldBonus> out;
  for (std::size_t i = 0; i < in.array().size(); ++i) {
    const In b = in.at(i);
    b.object({"rule", "points"});
    out.push_back({b.at("rule").string(), b.at("points").integer(0)});
  }
  return out;
}

json counter_json(const Counter& c) {
  return json::array({c.period_start, c.count});
}

// The engine keeps one invariant between the balance and its lots (docs/decisions.md, "A state
// must add up"): the lots hold exactly a balance >= 0, and none while it is negative. A
// hand-made state that breaks it would fail later, far from its cause, so it is refused here.
void check_points_add_up(const In& in, const Ledger& l) {
  i64 in_lots = 0;
  for (const auto& lot : l.lots) in_lots = add(in_lots, lot.points);
  const i64 expected = std::max<i64>(l.balance, 0);
  if (in_lots == expected) return;
  in.fail_at("lots", "the lots hold " + std::to_string(in_lots) + " points but the balance is " +
                         std::to_string(l.balance) +
                         "; the lots must add up to the balance (none when it is negative)");
}

}  // namespace

namespace {

// The points that expire next, or null.
json next_expiry_json(const Ledger& l, const Program& p) {
  const std::optional<Timestamp> at = next_expiry(p, l);
  if (p.expiry == ExpiryPolicy::rolling && !l.lots.empty()) {
    i64 pts = 0;  // every lot of the first one's date
    for (const auto& x : l.lots)
      if (x.expires_at == at) pts += x.points;
    return Obj()("points", pts)("at", ts(at, p));
  }
  if (at) return Obj()("points", l.balance)("at", ts(*at, p));  // the whole balance, at once
  return nullptr;
}

// The member's tier at the state's clock, or null without tiers.
json tier_json(const Ledger& l, const Program& p) {
  if (!p.tiers) return nullptr;
  const TierStatus t = tier_at(p, l, l.clock);
  json tier = Obj()("id", t.level->id)("name", t.level->name)("qualifying", t.qualifying)(
      "period_start", ts(t.period_start, p))("period_end", ts(t.period_end, p))("next", nullptr)(
      "holds_until", ts(tier_holds_until(p, l, l.clock), p));
  if (t.next)
    tier["next"] = Obj()("id", t.next->id)("name", t.next->name)("remaining", t.remaining);
  return tier;
}

// The orders a refund may still reference.
json facts_json(const Facts& f) {
  json orders_in = json::object();
  for (const auto& [days, n] : f.orders_in) orders_in[std::to_string(days)] = n;
  json out = Obj()("membership", f.membership_on)("member_days", f.member_days);
  if (!orders_in.empty()) out["orders_in"] = std::move(orders_in);
  if (f.days_since_order) out["days_since_order"] = *f.days_since_order;
  if (!f.segments.empty()) out["segments"] = f.segments;
  return out;
}

json orders_json(const MemberState& s, const Program& p) {
  json orders = json::array();
  for (const auto& [id, o] : s.orders) {
    json redeem = json::array();
    for (const auto& r : o.redeem) {
      json item = Obj()("reward", r.reward);
      if (r.points) item["points"] = *r.points;
      if (r.cost) item["cost"] = r.cost;
      redeem.push_back(std::move(item));
    }
    json used = json::array();
    for (const auto& v : o.vouchers) used.push_back(voucher_json(v, p));
    orders.push_back(Obj()("order_id", o.order_id)("event_id", o.event_id)("at", ts(o.at, p))(
        "tier", o.tier)("cart", cart_to_json(o.cart, p))("redeem", std::move(redeem))(
        "vouchers", std::move(used))("points", o.points)("spent", o.spent)("spend", o.spend)(
        "threshold_spend", o.threshold_spend)("punches", o.punches)("refunded", o.refunded)(
        "program_version", o.program_version));
    if (!o.released.empty()) orders.back()["released"] = held_json(o.released);
    if (!o.coupons.empty()) orders.back()["coupons"] = o.coupons;
    if (o.credit_spent) orders.back()["credit_spent"] = o.credit_spent;
    if (o.cashback) orders.back()["cashback"] = o.cashback;
    if (p.uses_audience) orders.back()["facts"] = facts_json(o.facts);
  }
  return orders;
}

json challenges_json(const Ledger& l, const Program& p) {
  json out = json::object();
  for (const auto& c : p.challenges) {
    auto it = l.challenges.find(c.id);
    const ChallengeProgress none;
    const ChallengeProgress& g = it == l.challenges.end() ? none : it->second;
    out[c.id] = Obj()("done", g.done)("completed", g.completed);
  }
  return out;
}

// What only the next apply needs: the clock, ids seen, counters, held bonuses, tier
// contributions, the orders.
json internal_json(const MemberState& s, const Program& p) {
  const Ledger& l = s.ledger;
  json in;
  in["clock"] = l.clock.ms > INT64_MIN / 4 ? ts(l.clock, p) : json(nullptr);
  in["enrolled_at"] = ts(l.enrolled_at, p);
  in["last_activity"] = ts(l.last_activity, p);
  in["birthday"] = l.birthday;
  in["birthday_year"] = l.birthday_year;
  in["referred_by"] = l.referred_by;
  in["referees"] = l.referees;
  in["donations_minor"] = l.donations_minor;
  json seen = json::object();
  for (const auto& [id, at] : s.seen) seen[id] = ts(at, p);
  in["seen"] = std::move(seen);
  in["history_total"] = s.history_total;
  json counters = json::object();
  for (const auto& [k, c] : l.counters) counters[k] = counter_json(c);
  in["counters"] = std::move(counters);
  in["held"] = held_json(l.held);
  json qualifying = json::array();
  for (const auto& c : l.qualifying) qualifying.push_back(json::array({ts(c.at, p), c.amount}));
  in["qualifying"] = std::move(qualifying);
  in["orders"] = orders_json(s, p);
  if (p.uses_audience && !l.order_times.empty()) {
    json times = json::array();
    for (const Timestamp t : l.order_times) times.push_back(ts(t, p));
    in["order_times"] = std::move(times);
  }
  if (!p.segments.empty()) {
    json counts = json::object();
    for (const auto& [id, mark] : l.segments) counts[id] = mark.orders;
    in["segment_orders"] = std::move(counts);
  }
  const MembershipState& m = l.membership;
  if (m.started || m.trial_used)
    in["membership"] = Obj()("started", m.started)("trial_used", m.trial_used)("paid", m.paid)(
        "cancelled", m.cancelled)("until", ts(m.until, p))("anchor_day", m.anchor_day)(
        "anchor_second", m.anchor_second)("periods", m.periods);
  return in;
}

MembershipState membership_from(const In& in) {
  in.object({"started", "trial_used", "paid", "cancelled", "until", "anchor_day", "anchor_second",
             "periods"});
  MembershipState m;
  m.started = in.boolean("started", false);
  m.trial_used = in.boolean("trial_used", false);
  m.paid = in.boolean("paid", false);
  m.cancelled = in.boolean("cancelled", false);
  if (auto u = in.find("until")) m.until = read_timestamp(*u);
  m.anchor_day = in.integer("anchor_day", 0, -1'000'000, 1'000'000);
  m.anchor_second = static_cast<int>(in.integer("anchor_second", 0, 0, 86'399));
  m.periods = in.integer("periods", 0, 0, 1'000'000);
  return m;
}

}  // namespace

json state_to_json(const MemberState& s, const Program& p) {
  const Ledger& l = s.ledger;
  json out;
  out["member_id"] = l.member_id;
  out["program_version"] = l.program_version ? l.program_version : p.version;
  out["balance"] = l.balance;
  json pending = json::array();
  for (const auto& x : l.pending) {
    pending.push_back(
        Obj()("points", x.points)("available_at", ts(x.available_at, p))("event_id", x.event_id));
    if (x.credit_minor) pending.back()["credit_minor"] = x.credit_minor;
  }
  out["pending"] = std::move(pending);
  json lots = json::array();
  for (const auto& x : l.lots)
    lots.push_back(Obj()("points", x.points)("earned_at", ts(x.earned_at, p))("expires_at",
                                                                              ts(x.expires_at, p)));
  out["lots"] = std::move(lots);
  out["next_expiry"] = next_expiry_json(l, p);
  out["tier"] = tier_json(l, p);
  json cards = json::object();
  for (const auto& c : p.punch_cards) {
    auto it = l.punches.find(c.id);
    cards[c.id] = it == l.punches.end() ? 0 : it->second;
  }
  out["punch_cards"] = std::move(cards);
  json vouchers = json::array();
  for (const auto& v : l.vouchers) vouchers.push_back(voucher_json(v, p));
  out["vouchers"] = std::move(vouchers);
  out["store_credit_minor"] = l.store_credit_minor;
  json progress = json::object();
  for (const auto& r : p.earn) {
    if (r.type != EarnType::spend_threshold) continue;
    auto it = l.threshold_progress.find(r.id);
    progress[r.id] = it == l.threshold_progress.end() ? 0 : it->second;
  }
  out["spend_threshold_progress"] = std::move(progress);
  out["lifetime"] = Obj()("earned", l.lifetime.earned)("redeemed", l.lifetime.redeemed)(
      "expired", l.lifetime.expired)("adjusted", l.lifetime.adjusted)(
      "spend_minor", l.lifetime.spend_minor)("orders", l.lifetime.orders);
  if (p.membership) {
    const MembershipState& m = l.membership;
    out["membership"] = Obj()("status", membership_status(p, m, l.clock))("until", ts(m.until, p))(
        "trial_used", m.trial_used);
  }
  if (!p.challenges.empty()) out["challenges"] = challenges_json(l, p);
  if (!p.segments.empty()) {
    json since = json::object();
    for (const auto& [id, mark] : l.segments)
      if (mark.since) since[id] = ts(mark.since, p);
    out["segments"] = std::move(since);
  }
  json history = json::array();
  for (const auto& h : s.history) history.push_back(history_json(h, p));
  out["history"] = std::move(history);

  out["internal"] = internal_json(s, p);
  return out;
}

namespace {

// The points waiting and the lots held.
void read_points(const In& in, Ledger& l) {
  if (auto pending = in.find("pending")) {
    for (std::size_t i = 0; i < pending->array().size(); ++i) {
      const In x = pending->at(i);
      x.object({"points", "available_at", "event_id", "credit_minor"});
      l.pending.push_back({x.at("points").integer(0), read_timestamp(x.at("available_at")),
                           x.string("event_id", ""), x.integer("credit_minor", 0, 0)});
    }
  }
  if (auto lots = in.find("lots")) {
    for (std::size_t i = 0; i < lots->array().size(); ++i) {
      const In x = lots->at(i);
      x.object({"points", "earned_at", "expires_at"});
      Lot lot{x.at("points").integer(0), read_timestamp(x.at("earned_at")), std::nullopt};
      if (auto e = x.find("expires_at")) lot.expires_at = read_timestamp(*e);
      l.lots.push_back(lot);
    }
  }
}

// One order a refund may still reference.
Facts facts_from(const In& f) {
  f.object({"membership", "member_days", "orders_in", "days_since_order", "segments"});
  Facts out;
  out.membership_on = f.boolean("membership", false);
  out.member_days = f.integer("member_days", 0, INT64_MIN / 4, INT64_MAX / 4);
  if (auto o = f.find("orders_in"))
    for (const auto& [days, n] : o->integers_by_key()) {
      if (days.empty() || days.size() > 6 ||
          days.find_first_not_of("0123456789") != std::string::npos)
        o->fail("expected days as keys, got \"" + days + "\"");
      out.orders_in[std::stoll(days)] = n;
    }
  out.days_since_order = f.optional_integer("days_since_order", 0, INT64_MAX / 4);
  out.segments = f.strings("segments");
  return out;
}

OrderRecord order_from(const In& o, const Program& p) {
  o.object({"order_id", "event_id", "at", "tier", "facts", "coupons", "credit_spent", "cashback",
            "cart", "redeem", "vouchers", "points", "spent", "spend", "threshold_spend", "punches",
            "released", "refunded", "program_version"});
  OrderRecord rec;
  rec.order_id = o.at("order_id").string();
  rec.event_id = o.string("event_id", "");
  rec.at = read_timestamp(o.at("at"));
  if (auto t = o.find("tier")) rec.tier = t->string_or_empty();
  rec.coupons = o.strings("coupons");
  rec.credit_spent = o.integer("credit_spent", 0, 0);
  rec.cashback = o.integer("cashback", 0, 0);
  if (auto f = o.find("facts")) rec.facts = facts_from(*f);
  const In cart = o.at("cart");
  rec.cart = parse_cart(cart, p);
  if (auto r = o.find("redeem")) {
    for (std::size_t k = 0; k < r->array().size(); ++k) {
      const In item = r->at(k);
      item.object({"reward", "points", "cost"});
      rec.redeem.push_back({item.at("reward").string(), item.optional_integer("points"),
                            item.integer("cost", 0, 0), std::nullopt});
    }
  }
  if (auto v = o.find("vouchers"))
    for (std::size_t k = 0; k < v->array().size(); ++k)
      rec.vouchers.push_back(voucher_from(v->at(k)));
  rec.points = o.integer("points", 0);
  rec.spent = o.integer("spent", 0);
  rec.spend = o.integer("spend", 0);
  if (auto t = o.find("threshold_spend")) rec.threshold_spend = t->integers_by_key();
  if (auto t = o.find("punches")) rec.punches = t->integers_by_key();
  if (auto b = o.find("released")) rec.released = held_from(*b);
  rec.refunded = o.boolean("refunded", false);
  rec.program_version = o.integer("program_version", 0, 0);
  return rec;
}

void read_challenges(const In& in, Ledger& l) {
  if (!in.v.is_object()) in.fail("expected an object");
  for (const auto& [id, value] : in.v.members()) {
    const In c = in.member(value, id);
    c.object({"done", "completed"});
    ChallengeProgress g;
    g.done = c.strings("done");
    g.completed = c.integer("completed", 0, 0);
    if (!g.done.empty() || g.completed) l.challenges[std::string(id)] = std::move(g);
  }
}

// The member's "internal" part: what only the next apply needs. Without `ledger_only` the seen
// ids and the orders are kept too.
void read_internal(const In& x, const Program& p, bool ledger_only, MemberState& s) {
  Ledger& l = s.ledger;
  x.object({"clock", "enrolled_at", "last_activity", "birthday", "birthday_year", "referred_by",
            "referees", "donations_minor", "seen", "history_total", "counters", "held",
            "qualifying", "orders", "membership", "order_times", "segment_orders"});
  if (auto c = x.find("segment_orders"))
    for (const auto& [id, n] : c->integers_by_key()) l.segments[id].orders = n;
  if (auto t = x.find("order_times"))
    for (std::size_t i = 0; i < t->array().size(); ++i)
      l.order_times.push_back(read_timestamp(t->at(i)));
  if (auto m = x.find("membership")) l.membership = membership_from(*m);
  if (auto c = x.find("clock")) l.clock = read_timestamp(*c);
  if (auto e = x.find("enrolled_at")) l.enrolled_at = read_timestamp(*e);
  if (auto a = x.find("last_activity")) l.last_activity = read_timestamp(*a);
  if (auto b = x.find("birthday")) l.birthday = b->string_or_empty();
  l.birthday_year = static_cast<int>(x.integer("birthday_year", 0, 0, 100000));
  if (auto r = x.find("referred_by")) l.referred_by = r->string_or_empty();
  for (auto& r : x.strings("referees")) l.referees.insert(r);
  l.donations_minor = x.integer("donations_minor", 0, 0);
  // Read (and checked) either way; kept only for replay and apply, which skip known ids.
  if (auto seen = x.find("seen")) read_seen(*seen, l.clock, ledger_only ? nullptr : &s.seen);
  s.history_total = x.integer("history_total", static_cast<i64>(s.history.size()), 0);
  if (auto c = x.find("counters")) {
    if (!c->v.is_object()) c->fail("expected an object");
    for (const auto& [k, v] : c->v.members()) {
      const In pair = c->member(v, k);
      if (pair.array().size() != 2) pair.fail("expected [period_start, count]");
      // Starts before the lifetime's are lifetime starts written before it was JavaScript-safe
      // (INT64_MIN / 2, or that number rounded by a browser's JSON.parse).
      const i64 start = std::max(pair.at(std::size_t{0}).integer(), kLifetimeStartMs);
      l.counters[std::string(k)] = Counter{start, pair.at(std::size_t{1}).integer(0)};
    }
  }
  if (auto h = x.find("held")) l.held = held_from(*h);
  if (auto q = x.find("qualifying")) {
    for (std::size_t i = 0; i < q->array().size(); ++i) {
      const In c = q->at(i);
      if (c.array().size() != 2) c.fail("expected [at, amount]");
      l.qualifying.push_back(
          {read_timestamp(c.at(std::size_t{0})), c.at(std::size_t{1}).integer()});
    }
  }
  if (auto orders = x.find("orders"); orders && !ledger_only) {
    for (std::size_t i = 0; i < orders->array().size(); ++i) {
      OrderRecord rec = order_from(orders->at(i), p);
      s.orders.emplace(rec.order_id, std::move(rec));
    }
  }
}

}  // namespace

MemberState state_from_json(const In& in, const Program& p, bool ledger_only) {
  in.object({"member_id", "program_version", "balance", "pending", "lots", "next_expiry", "tier",
             "punch_cards", "vouchers", "store_credit_minor", "spend_threshold_progress",
             "lifetime", "history", "internal", "membership", "challenges", "segments"});
  if (auto m = in.find("membership")) m->object({"status", "until", "trial_used"});
  MemberState s;
  Ledger& l = s.ledger;
  if (auto c = in.find("challenges")) read_challenges(*c, l);
  if (auto g = in.find("segments")) {
    if (!g->v.is_object()) g->fail("expected an object of segment ids to timestamps");
    for (const auto& [id, at] : g->v.members())
      l.segments[std::string(id)].since = read_timestamp(g->member(at, id));
  }
  if (auto id = in.find("member_id")) l.member_id = id->string_or_empty();
  l.program_version = in.integer("program_version", 0, 0);
  l.balance = in.integer("balance", 0);
  read_points(in, l);
  check_points_add_up(in, l);
  if (auto cards = in.find("punch_cards"))
    for (const auto& [k, n] : cards->integers_by_key()) l.punches[k] = n;
  if (auto prog = in.find("spend_threshold_progress"))
    for (const auto& [k, n] : prog->integers_by_key()) l.threshold_progress[k] = n;
  if (auto v = in.find("vouchers"))
    for (std::size_t i = 0; i < v->array().size(); ++i)
      l.vouchers.push_back(voucher_from(v->at(i)));
  l.store_credit_minor = in.integer("store_credit_minor", 0, 0);
  if (auto lt = in.find("lifetime")) {
    lt->object({"earned", "redeemed", "expired", "adjusted", "spend_minor", "orders"});
    l.lifetime = {lt->integer("earned", 0),      lt->integer("redeemed", 0),
                  lt->integer("expired", 0),     lt->integer("adjusted", 0),
                  lt->integer("spend_minor", 0), lt->integer("orders", 0)};
  }
  if (auto h = in.find("history"); h && !ledger_only)
    for (std::size_t i = 0; i < h->array().size(); ++i) s.history.push_back(history_from(h->at(i)));
  if (auto x = in.find("internal")) read_internal(*x, p, ledger_only, s);
  return s;
}

}  // namespace loyalty
