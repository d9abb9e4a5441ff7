#include "webhook_events.hpp"

#include <algorithm>
#include <set>

#include "loyalty/time.hpp"

namespace srv {
namespace {

using nlohmann::json;

constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t ms_of(const json& at) {
  if (!at.is_string()) return 0;
  return loyalty::parse_rfc3339(at.get<std::string>()).value_or(0);
}

std::string text_of(const json* doc, const char* a, const char* b = nullptr) {
  if (!doc || !doc->is_object() || !doc->contains(a)) return "";
  const json& x = (*doc)[a];
  if (!b) return x.is_string() ? x.get<std::string>() : "";
  return x.is_object() && x.contains(b) && x[b].is_string() ? x[b].get<std::string>() : "";
}

std::int64_t balance_of(const json* state) {
  return state && state->is_object() && (*state)["balance"].is_number_integer()
             ? (*state)["balance"].get<std::int64_t>()
             : 0;
}

class Events {
 public:
  explicit Events(const std::string& member) : member_(member) {}
  void add(const std::string& type, const std::string& key, json data) {
    data["member_id"] = member_;
    events_.push_back({member_ + ":" + type + ":" + key, type, std::move(data)});
  }
  std::vector<WebhookEvent> take() { return std::move(events_); }

 private:
  std::string member_;
  std::vector<WebhookEvent> events_;
};

// Points announced when an entry credits them (pending ones with their release date); a release
// is not announced again. Expiries are keyed by their instant, as the sweep keys them.
void from_history(const WriteFacts& w, Events& out) {
  if (!w.history) return;
  int index = 0;
  for (const auto& e : *w.history) {
    ++index;
    const std::string kind = e.value("kind", "");
    const json at = e.value("at", json());
    const std::int64_t points = e.value("points", std::int64_t{0});
    if (kind == "enroll") {
      json data{{"at", at}};
      if (e.contains("channel")) data["channel"] = e["channel"];
      out.add("member.enrolled", w.event_id, std::move(data));
    }
    if (kind == "expire") {
      out.add("points.expired", std::to_string(ms_of(at)), {{"points", -points}, {"at", at}});
    } else if (points > 0 && kind != "pending_released" && kind != "rejected") {
      json data{{"points", points}, {"kind", kind}, {"at", at}};
      if (e.contains("available_at")) data["available_at"] = e["available_at"];
      out.add("points.earned", w.event_id + ":" + std::to_string(index), std::move(data));
    }
  }
}

void from_states(const WriteFacts& w, Events& out) {
  const std::string tier_before = text_of(w.before, "tier", "id");
  const std::string tier_after = text_of(w.after, "tier", "id");
  if (w.before && tier_before != tier_after)
    out.add("tier.changed", w.event_id, {{"from", tier_before}, {"to", tier_after}});
  std::set<std::string> held;
  if (w.before && (*w.before)["vouchers"].is_array())
    for (const auto& v : (*w.before)["vouchers"]) held.insert(v.value("id", ""));
  if (w.after && (*w.after)["vouchers"].is_array())
    for (const auto& v : (*w.after)["vouchers"])
      if (!held.count(v.value("id", "")))
        out.add("voucher.issued", v.value("id", ""),
                {{"voucher", v.value("id", "")},
                 {"reward", v.value("reward", "")},
                 {"expires_at", v.value("expires_at", json())}});
  const std::string status = text_of(w.after, "membership", "status");
  const bool moved =
      status != text_of(w.before, "membership", "status") ||
      text_of(w.after, "membership", "until") != text_of(w.before, "membership", "until");
  if (moved && !status.empty())
    out.add("membership.changed", w.event_id,
            {{"status", status}, {"until", (*w.after)["membership"].value("until", json())}});
}

// One per reward with cost > 0 that the member may use, when the balance crossed its cost.
void unlocked(const WriteFacts& w, Events& out) {
  if (!w.catalog || !(*w.catalog)["rewards"].is_array()) return;
  const std::int64_t before = balance_of(w.before), after = balance_of(w.after);
  for (const auto& r : (*w.catalog)["rewards"]) {
    const std::int64_t cost = r.value("cost", std::int64_t{0});
    const std::string status = r.value("status", "");
    if (cost <= 0 || status == "tier_locked" || status == "audience_locked") continue;
    if (before < cost && cost <= after)
      out.add("reward.unlocked", r.value("id", "") + ":" + w.event_id,
              {{"reward", r.value("id", "")}, {"cost", cost}, {"balance", after}});
  }
}

}  // namespace

std::vector<WebhookEvent> webhook_events(const WriteFacts& write) {
  Events out(write.member_id);
  from_history(write, out);
  from_states(write, out);
  unlocked(write, out);
  return out.take();
}

std::vector<WebhookEvent> sweep_events(const SweepFacts& s) {
  Events out(s.member_id);
  if (s.view && (*s.view)["next_expiry"].is_object()) {
    const json& next = (*s.view)["next_expiry"];
    const std::int64_t at = ms_of(next.value("at", json()));
    if (at > s.now_ms && at - s.now_ms <= s.notice_days * kDayMs)
      out.add("points.expiring", std::to_string(at),
              {{"points", next.value("points", 0)}, {"at", next["at"]}});
  }
  const std::int64_t clock = s.state ? ms_of((*s.state)["internal"].value("clock", json())) : 0;
  if (s.view && (*s.view)["history"].is_array())
    for (const auto& e : (*s.view)["history"])
      if (e.value("kind", "") == "expire" && ms_of(e.value("at", json())) > clock)
        out.add("points.expired", std::to_string(ms_of(e["at"])),
                {{"points", -e.value("points", std::int64_t{0})}, {"at", e["at"]}});
  const std::string before = text_of(s.state, "membership", "status");
  const std::string now = text_of(s.view, "membership", "status");
  if (!now.empty() && before != now)
    out.add("membership.changed", now + ":" + text_of(s.view, "membership", "until"),
            {{"status", now}, {"until", (*s.view)["membership"].value("until", json())}});
  const std::int64_t lapse_at = s.last_order_ms + s.lapsed_days * kDayMs;
  if (s.last_order_ms >= 0 && lapse_at <= s.now_ms)
    out.add("member.lapsed", std::to_string(lapse_at),
            {{"last_order_at", loyalty::format_rfc3339(s.last_order_ms, 0)},
             {"lapsed_days", s.lapsed_days}});
  return out.take();
}

std::optional<std::int64_t> next_sweep_ms(const SweepSchedule& s) {
  std::optional<std::int64_t> due;
  const auto consider = [&](std::int64_t at) {
    if (at > s.now_ms && (!due || at < *due)) due = at;
  };
  if (s.until_ms) consider(*s.until_ms);
  if (s.view && s.view->is_object() && s.view->contains("next_expiry") &&
      (*s.view)["next_expiry"].is_object()) {
    const std::int64_t expiry = ms_of((*s.view)["next_expiry"].value("at", json()));
    const std::int64_t notice = expiry - s.notice_days * kDayMs;
    if (s.after_write && notice <= s.now_ms && s.now_ms < expiry) return s.now_ms;
    consider(notice);
  }
  if (s.last_order_ms) {
    const std::int64_t lapse = *s.last_order_ms + s.lapsed_days * kDayMs;
    if (s.after_write && lapse <= s.now_ms) return s.now_ms;  // a past order, lapsed already
    consider(lapse);
  }
  return due;
}

std::string webhook_body(const WebhookEvent& e, const std::string& created_at) {
  return json{{"id", e.id}, {"type", e.type}, {"created_at", created_at}, {"data", e.data}}.dump();
}

}  // namespace srv
