#include "profile.hpp"

#include <cctype>

namespace loyalty {

std::string read_birthday(const In& field) {
  const std::string birthday = field.string();
  const auto digit = [&](std::size_t i) {
    return std::isdigit(static_cast<unsigned char>(birthday[i])) != 0;
  };
  const bool ok =
      birthday.size() == 5 && digit(0) && digit(1) && birthday[2] == '-' && digit(3) && digit(4);
  const int m = ok ? std::stoi(birthday.substr(0, 2)) : 0;
  const int d = ok ? std::stoi(birthday.substr(3)) : 0;
  if (!ok || m < 1 || m > 12 || d < 1 || d > 31)
    field.fail("expected a birthday \"MM-DD\", got " + field.v.dump());
  return birthday;
}

// A birthday given (or cleared with null) applies from the event on: in the birthday month the
// event is the activity that brings this year's gift, once per calendar year as always. The
// history line names what changed, never the value (the history outlives an erasure).
void profile_event(const Program& p, MemberState& s, const Event& e) {
  const In in = e.in();
  check_event_fields(in, {"birthday", "name", "phone", "email", "consent"});
  for (const char* f : {"name", "phone", "email"})
    if (auto x = in.find(f)) x->string_or_empty();
  if (auto c = in.find("consent"); c && !c->v.is_object()) c->fail("expected an object");
  const bool given = in.v.find("birthday") != nullptr;  // null clears it
  std::optional<std::string> birthday;
  if (const auto field = in.find("birthday")) birthday = read_birthday(*field);
  Ledger& l = s.ledger;
  if (!l.enrolled_at) return reject_event(p, s, e, "not_eligible", "the member is not enrolled");
  HistoryEntry h = history_entry(p, e.id, "profile", e.at);
  if (given) {
    l.birthday = birthday.value_or("");
    h.lines.push_back(
        {"birthday", 0, Explain::of(birthday ? "profile.birthday" : "profile.birthday_removed")});
  }
  s.history.push_back(std::move(h));
  if (given) on_activity(p, l, e.at, e.id, &s.history);
}

}  // namespace loyalty
