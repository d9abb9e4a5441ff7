// simulate: many members' ledgers replayed under one program, each answered by the few figures
// the merchant page's what-if simulator reads (docs/engine-json.md, "simulate"). Every member is
// replayed exactly as `replay` does it; only the answer is smaller: writing the whole state
// (history, vouchers, stored orders) costs more than the replay itself, and the simulator replays
// 10 000 members twice in a browser.
#include "bounds.hpp"
#include "operations.hpp"

namespace loyalty {
namespace {

// A history line as [key, rule, points, money]: money is the line's discount_minor (a cart
// reward) or amount_minor (a redeemed reward), else 0.
json line_json(const HistoryLine& line) {
  const json e = line.explain.to_json();
  const json& args = e.contains("args") ? e["args"] : json::object();
  i64 money = 0;
  if (args.contains("discount_minor") && args["discount_minor"].is_number_integer())
    money = args["discount_minor"].get<i64>();
  else if (args.contains("amount_minor") && args["amount_minor"].is_number_integer())
    money = args["amount_minor"].get<i64>();
  return json::array({e.value("key", ""), line.rule, line.points, money});
}

json member_summary(const Program& p, const In& member, const std::optional<Timestamp>& now) {
  member.object({"member_id", "events"});
  const In events_in = member.at("events");
  const auto& arr = events_in.array();
  std::vector<Event> events;
  events.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) events.push_back(parse_event(events_in.at(i)));
  sort_events(events);
  MemberState s;
  for (const auto& e : events) apply_event(p, s, e);
  if (now) advance(p, s, *now);
  const Ledger& l = s.ledger;
  i64 pending = 0;
  for (const auto& x : l.pending) pending = add(pending, x.points);
  i64 rejected = 0;
  json lines = json::array();
  for (const auto& h : s.history) {
    if (h.kind == "rejected") ++rejected;
    for (const auto& line : h.lines) lines.push_back(line_json(line));
  }
  json tier = nullptr;
  if (p.tiers) tier = tier_at(p, l, l.clock).level->id;
  return Obj()("member_id", member.string("member_id", ""))("balance", l.balance)(
      "pending", pending)("tier", std::move(tier))("rejected", rejected)(
      "lifetime", Obj()("earned", l.lifetime.earned)("redeemed", l.lifetime.redeemed)(
                      "expired", l.lifetime.expired)("adjusted", l.lifetime.adjusted)(
                      "spend_minor", l.lifetime.spend_minor)("orders", l.lifetime.orders))(
      "lines", std::move(lines));
}

}  // namespace

json op_simulate(const Program& p, const In& request) {
  request.object({"program", "members", "now"});
  std::optional<Timestamp> now;
  if (auto n = request.find("now")) now = read_timestamp(*n);
  const In members_in = request.at("members");
  json members = json::array();
  for (std::size_t i = 0; i < members_in.array().size(); ++i)
    members.push_back(member_summary(p, members_in.at(i), now));
  return Obj()("members", std::move(members));
}

}  // namespace loyalty
