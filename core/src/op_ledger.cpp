// validate, replay and apply.
#include "operations.hpp"

namespace loyalty {
namespace {

MemberState read_state(const In& request, const Program& p) {
  auto s = request.find("state");
  return s ? state_from_json(*s, p) : MemberState{};
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
  return state_to_json(s, p);
}

json op_apply(const Program& p, const In& request) {
  request.object({"program", "state", "event", "now"});
  MemberState s = read_state(request, p);
  const Event e = parse_event(request.at("event"));
  apply_event(p, s, e);
  if (auto now = request.find("now")) advance(p, s, read_timestamp(*now));
  return state_to_json(s, p);
}

}  // namespace loyalty
