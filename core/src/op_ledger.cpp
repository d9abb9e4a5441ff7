// validate, replay, apply and advance.
#include "bounds.hpp"
#include "operations.hpp"

namespace loyalty {
namespace {

MemberState read_state(const In& request, const Program& p) {
  auto s = request.find("state");
  return s ? state_from_json(*s, p) : MemberState{};
}

// The history entries a call wrote, counted from where the history stood before it.
std::size_t written_since(const MemberState& s, std::size_t before) {
  return s.history.size() - before;
}

// An event dated before the window cannot be checked against the ids and orders the state has
// let go of, so apply refuses it (a replay of the full list still takes it).
void check_in_window(const Program& p, const MemberState& s, const Event& e, const In& event) {
  if (!before_window(p, s.ledger, e.at)) return;
  event.fail_at("at", "the event is older than the refund window (" +
                          std::to_string(p.refund_days) +
                          " days before the state's clock); only a replay of the full list "
                          "takes it");
}

}  // namespace

json op_validate(const Program& p, const In& request) {
  request.object({"program"});
  json warnings = json::array();
  for (const auto& w : p.warnings)
    warnings.push_back(Obj()("path", w.path)("code", w.code)("message", w.message));
  return Obj()("ok", true)("warnings", std::move(warnings));
}

json op_replay(const Program& p, const In& request) {
  request.object({"program", "events", "now"});
  const In events_in = request.at("events");
  const auto& arr = events_in.array();
  std::vector<Event> events;
  events.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) events.push_back(parse_event(events_in.at(i)));
  sort_events(events);
  MemberState s;
  for (const auto& e : events) apply_event(p, s, e);
  if (auto now = request.find("now")) advance(p, s, read_timestamp(*now));
  bound_state(p, s, s.history.size());
  return state_to_json(s, p);
}

json op_apply(const Program& p, const In& request) {
  request.object({"program", "state", "event", "now", "order_program"});
  MemberState s = read_state(request, p);
  const std::size_t before = s.history.size();
  const In event_in = request.at("event");
  const Event e = parse_event(event_in);
  check_in_window(p, s, e, In(event_in, "invalid_event"));
  std::optional<Program> order_program;
  if (auto op = request.find("order_program"))
    order_program = parse_program(In(*op, "invalid_program"));
  apply_event(p, s, e, order_program ? &*order_program : nullptr);
  if (auto now = request.find("now")) advance(p, s, read_timestamp(*now));
  bound_state(p, s, written_since(s, before), written_since(s, before));
  return state_to_json(s, p);
}

json op_advance(const Program& p, const In& request) {
  request.object({"program", "state", "now"});
  MemberState s = read_state(request, p);
  const std::size_t before = s.history.size();
  advance(p, s, read_timestamp(request.at("now")));
  bound_state(p, s, written_since(s, before), written_since(s, before));
  return state_to_json(s, p);
}

}  // namespace loyalty
