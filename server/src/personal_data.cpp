#include "personal_data.hpp"

#include <functional>

namespace srv {

using nlohmann::json;

json profile_from_events(const std::vector<EventRow>& events) {
  json profile = json::object();
  for (const auto& row : events) {
    if (row.type != "enroll" && row.type != "profile") continue;
    const json e = json::parse(row.body, nullptr, false);
    if (!e.is_object()) continue;
    if (row.type == "enroll") {
      profile["enrolled_at"] = row.at;
      for (const char* f : {"channel", "referred_by"})
        if (e.contains(f)) profile[f] = e[f];
    }
    for (const char* f : {"name", "phone", "email", "birthday"})
      if (e.contains(f)) profile[f] = e[f];
    if (e.contains("consent") && e["consent"].is_object())
      for (const auto& [channel, given] : e["consent"].items())
        profile["consent"][channel] =
            given.is_object() ? given : json{{"given", given}, {"at", row.at}};  // as stamped
  }
  return profile;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

std::string scrub_event(const std::string& body, const std::string& member_id,
                        const std::string& pseudonym) {
  json e = json::parse(body, nullptr, false);
  if (e.is_object())
    for (const char* f : kPersonalFields) e.erase(f);
  return replace_all(e.is_object() ? e.dump() : body, json_string(member_id),
                     json_string(pseudonym));
}

std::string scrub_state(const std::string& state, const std::string& member_id,
                        const std::string& pseudonym) {
  json s = json::parse(state, nullptr, false);
  if (s.is_object() && s.contains("internal") && s["internal"].is_object()) {
    s["internal"].erase("birthday");
    s["internal"].erase("birthday_year");
  }
  return replace_all(s.is_object() ? s.dump() : state, json_string(member_id),
                     json_string(pseudonym));
}

json sample_event(const std::string& body,
                  const std::function<std::string(const std::string&)>& pseudonym_of) {
  json e = json::parse(body, nullptr, false);
  if (!e.is_object()) return e;
  for (const char* f : {"name", "phone", "email", "consent"}) e.erase(f);
  for (const char* f : {"member_id", "referred_by", "referee"})
    if (e.contains(f) && e[f].is_string()) e[f] = pseudonym_of(e[f].get<std::string>());
  return e;
}

std::string loggable_target(const std::string& target) {
  static const std::string kMembers = "/v1/members/";
  std::string path = target.substr(0, target.find('?'));
  if (path.compare(0, kMembers.size(), kMembers) == 0) {
    const std::size_t end = path.find('/', kMembers.size());
    const std::string id = path.substr(kMembers.size(), end - kMembers.size());
    if (id != "me" && !id.empty())
      path = kMembers + "{id}" + (end == std::string::npos ? "" : path.substr(end));
  }
  const std::size_t query = target.find('?');
  if (query == std::string::npos) return path;
  // Parameter names only: "?email", "?member&after".
  std::string names;
  std::size_t at = query + 1;
  while (at <= target.size()) {
    const std::size_t amp = std::min(target.find('&', at), target.size());
    const std::string pair = target.substr(at, amp - at);
    names += (names.empty() ? "?" : "&") + pair.substr(0, pair.find('='));
    at = amp + 1;
  }
  return path + names;
}

}  // namespace srv
