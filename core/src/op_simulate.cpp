// simulate: many members' ledgers replayed under one program, each answered by the few figures
// the merchant page's what-if simulator reads (docs/engine-json.md, "simulate"). Every member is
// replayed exactly as `replay` does it; only the answer is smaller: writing the whole state
// (history, vouchers, stored orders) costs more than the replay itself, and the simulator replays
// 10 000 members twice in a browser. Written straight to text (json_write.hpp), which also keeps
// the operation small in the shopper's download.
#include "json_write.hpp"
#include "operations.hpp"

namespace loyalty {
namespace {

void write_member(JsonWriter& w, const Program& p, const In& member,
                  const std::optional<Timestamp>& now) {
  member.object({"member_id", "events"});
  const In events_in = member.at("events");
  std::vector<Event> events;
  events.reserve(events_in.array().size());
  for (std::size_t i = 0; i < events_in.array().size(); ++i)
    events.push_back(parse_event(events_in.at(i)));
  sort_events(events);
  MemberState s;
  for (const auto& e : events) apply_event(p, s, e);
  if (now) advance(p, s, *now);
  const Ledger& l = s.ledger;
  i64 pending = 0, rejected = 0;
  for (const auto& x : l.pending) pending = add(pending, x.points);
  for (const auto& h : s.history) rejected += h.kind == "rejected" ? 1 : 0;
  // Keys in ascending order, as every document of the core.
  w.begin_object().member("balance", l.balance).key("lifetime").begin_object();
  w.member("adjusted", l.lifetime.adjusted).member("earned", l.lifetime.earned);
  w.member("expired", l.lifetime.expired).member("orders", l.lifetime.orders);
  w.member("redeemed", l.lifetime.redeemed).member("spend_minor", l.lifetime.spend_minor);
  w.end_object().key("lines").begin_array();
  for (const auto& h : s.history)
    for (const auto& line : h.lines) {
      w.begin_array();
      line.explain.write(w);
      w.value(line.rule).value(line.points).end_array();
    }
  w.end_array().member("member_id", member.string("member_id", ""));
  w.member("pending", pending).member("rejected", rejected).key("tier");
  if (p.tiers)
    w.value(tier_at(p, l, l.clock).level->id);
  else
    w.null();
  w.end_object();
}

}  // namespace

std::string op_simulate(const Program& p, const In& request) {
  request.object({"program", "members", "now"});
  std::optional<Timestamp> now;
  if (auto n = request.find("now")) now = read_timestamp(*n);
  const In members_in = request.at("members");
  std::string out;
  JsonWriter w(out, 4096 * (members_in.array().size() + 1));
  w.begin_object().key("members").begin_array();
  for (std::size_t i = 0; i < members_in.array().size(); ++i)
    write_member(w, p, members_in.at(i), now);
  w.end_array().end_object();
  w.finish();
  return out;
}

}  // namespace loyalty
