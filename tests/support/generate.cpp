#include "generate.hpp"

#include <algorithm>
#include <ctime>

namespace loyalty::testing {
namespace {
const char* kSkus[] = {"latte", "espresso", "croissant", "muffin", "sneaker", "coat", "giftcard"};
const char* kCategories[] = {"coffee", "coffee", "pastry", "pastry", "shoes", "coats", "gift"};
const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
const char* kPeriods[] = {"day", "week", "month", "year", "lifetime"};
// Store time: zones with daylight saving north and south, one without, a POSIX rule written out.
const char* kZones[] = {"America/New_York", "Europe/Warsaw", "Europe/Bucharest",
                        "Australia/Sydney", "America/Lima",  "EST5EDT,M3.2.0,M11.1.0"};
constexpr std::int64_t kStart = 1735689600;  // 2025-01-01T00:00:00Z
constexpr std::int64_t kEnd = 1793491200;    // 2026-11-01T00:00:00Z
}  // namespace

std::string Generator::timestamp(std::int64_t from_s, std::int64_t to_s) {
  const std::int64_t t =
      from_s + static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(to_s - from_s));
  std::time_t tt = static_cast<std::time_t>(t - 5 * 3600);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S-05:00", &tm);
  return buf;
}

json Generator::conditions(json rule, bool allow_match) {
  if (allow_match && chance(30)) {
    json m = json::object();
    if (chance(50))
      m["categories"] = {kCategories[pick(7)]};
    else
      m["skus"] = {kSkus[pick(7)], kSkus[pick(7)]};
    if (chance(20)) m["exclude_skus"] = {kSkus[pick(7)]};
    rule["match"] = m;
  }
  if (chance(20)) {
    json w = json::object();
    if (chance(50)) w["days"] = {kDays[pick(7)], kDays[pick(7)]};
    if (chance(50)) {
      const int start = pick(20);
      w["hours"] = {(start < 10 ? "0" : "") + std::to_string(start) + ":00",
                    (start + 4 < 10 ? "0" : "") + std::to_string(start + 4) + ":30"};
    }
    if (chance(30)) w["from"] = timestamp(kStart, kEnd);
    rule["when"] = w;
  }
  if (chance(10)) rule["min_order_minor"] = 500 * (1 + pick(10));
  return rule;
}

json Generator::program() {
  json p = {{"schema", "loyalty-program/1"},
            {"id", "gen"},
            {"currency", "PEN"},
            {"version", 1 + pick(5)}};
  if (const int z = pick(9); z < 6)
    p["time_zone"] = kZones[z];
  else
    p["utc_offset"] = "-05:00";
  json tiers = nullptr;
  std::vector<std::string> tier_ids;
  if (chance(70)) {
    const char* bases[] = {"spend", "points", "orders"};
    const int basis = pick(3);
    const std::int64_t unit = basis == 0 ? 10000 : basis == 1 ? 100 : 2;
    json levels = json::array({{{"id", "member"}, {"min", 0}}});
    json silver = {{"id", "silver"}, {"min", unit * (1 + pick(5))}};
    if (chance(70)) silver["earn_multiplier"] = "1.25";
    json gold = {{"id", "gold"}, {"min", unit * (6 + pick(10))}, {"earn_multiplier", 2}};
    levels.push_back(silver);
    levels.push_back(gold);
    tiers = {{"basis", bases[basis]},
             {"levels", levels},
             {"upgrade_applies_to_crossing_order", chance(30)}};
    const int period = pick(3);
    if (period == 0) tiers["period"] = "lifetime";
    if (period == 1) tiers["period"] = "calendar_year";
    if (period == 2) tiers["period"] = {{"rolling_days", 30 + pick(400)}};
    if (chance(30)) tiers["retain"] = "none";
    tier_ids = {"member", "silver", "gold"};
    p["tiers"] = tiers;
  }
  json rewards = json::array();
  rewards.push_back({{"id", "free-coffee"},
                     {"name", "Free coffee"},
                     {"type", "free_item"},
                     {"cost", chance(50) ? 0 : 300},
                     {"match", {{"categories", {"coffee"}}}}});
  rewards.push_back(conditions({{"id", "5-off"},
                                {"name", "S/ 5 off"},
                                {"type", "fixed_discount"},
                                {"cost", 50 * (1 + pick(10))},
                                {"amount_minor", 500}},
                               true));
  rewards.push_back(conditions({{"id", "10-pct"},
                                {"name", "10%"},
                                {"type", "percent_discount"},
                                {"cost", 100 * (1 + pick(5))},
                                {"percent", chance(50) ? json(10) : json("12.5")},
                                {"max_minor", 2000}},
                               true));
  rewards.push_back(
      {{"id", "ship"}, {"name", "Free shipping"}, {"type", "free_shipping"}, {"cost", 100}});
  rewards.push_back({{"id", "pay"},
                     {"name", "Pay with points"},
                     {"type", "points_discount"},
                     {"step_points", 100},
                     {"step_minor", 100},
                     {"min_points", 100 * pick(3)},
                     {"max_order_percent", 50}});
  rewards.push_back({{"id", "tote"}, {"name", "Tote bag"}, {"type", "physical"}, {"cost", 200}});
  if (!tier_ids.empty() && chance(50)) rewards[1]["audience"] = {{"tiers", {"silver", "gold"}}};
  if (chance(40)) rewards[1]["limit"] = {{"count", 1 + pick(2)}, {"per", kPeriods[pick(5)]}};
  if (chance(30)) rewards[0]["voucher_days"] = 30;
  // Engagement, cart side: buy X get Y, a paid membership and audiences beyond tiers.
  if (chance(30))
    rewards[chance(50) ? 0 : 1]["requires"] = {{"match", {{"categories", {kCategories[pick(7)]}}}},
                                               {"min_quantity", 1 + pick(2)}};
  if (chance(30)) {
    p["membership"] = {{"id", "plus"},
                       {"fee_minor", 1990},
                       {"trial_days", chance(50) ? 30 : 0},
                       {"grace_days", 3},
                       {"period", chance(70) ? "month" : "year"}};
    rewards[2]["audience"] = {{"membership", chance(80)}};
  }
  if (chance(15)) rewards[3]["audience"] = {{"min_member_days", 30 * pick(4)}};
  if (chance(30))
    p["challenges"] = {
        {{"id", "hunt"},
         {"ordered", chance(50)},
         {"repeat", chance(50)},
         {"points", 25 * pick(3)},
         {"reward", "free-coffee"},
         {"steps",
          {{{"id", "buy"}, {"order", {{"match", {{"categories", {kCategories[pick(7)]}}}}}}},
           {{"id", "review"}, {"action", "review"}},
           {{"id", "buy-more"}, {"order", {{"min_order_minor", 500 * pick(5)}}}}}}}};
  p["rewards"] = rewards;

  json earn = json::array();
  const char* roundings[] = {"floor", "nearest", "ceil"};
  earn.push_back(conditions({{"id", "base"},
                             {"type", "per_spend"},
                             {"points", 1 + pick(3)},
                             {"per_minor", chance(50) ? 100 : 150},
                             {"rounding", roundings[pick(3)]},
                             {"include_shipping", chance(20)}},
                            true));
  const int extra = pick(6);
  for (int i = 0; i < extra; ++i) {
    const std::string id = "r" + std::to_string(i);
    switch (pick(8)) {
      case 0:
        earn.push_back(
            conditions({{"id", id}, {"type", "per_item"}, {"points", 1 + pick(20)}}, true));
        break;
      case 1:
        earn.push_back(
            conditions({{"id", id}, {"type", "per_order"}, {"points", 5 + pick(20)}}, true));
        break;
      case 2:
        earn.push_back(conditions(
            {{"id", id}, {"type", "bonus"}, {"points", 50}, {"min_quantity", 1 + pick(4)}}, true));
        break;
      case 3:
      case 4: {
        json m = conditions(
            {{"id", id}, {"type", "multiplier"}, {"factor", chance(50) ? json(2) : json("1.5")}},
            true);
        if (!tier_ids.empty() && chance(30)) m["audience"] = {{"tiers", {"gold"}}};
        if (chance(20)) m["audience"] = {{"membership", true}};
        earn.push_back(m);
        break;
      }
      case 5:
        earn.push_back({{"id", id},
                        {"type", "spend_threshold"},
                        {"every_minor", 1000 * (1 + pick(3))},
                        {"reward", "free-coffee"}});
        break;
      case 6: {
        const char* modes[] = {"immediate", "next_order", "after_spend"};
        earn.push_back({{"id", id},
                        {"type", "signup"},
                        {"points", 100},
                        {"mode", modes[pick(3)]},
                        {"min_order_minor", 1000}});
        break;
      }
      default:
        earn.push_back({{"id", id},
                        {"type", "action"},
                        {"action", "review"},
                        {"points", 25},
                        {"limit", {{"count", 2}, {"per", kPeriods[pick(5)]}}}});
    }
  }
  // Birthdays: points or a voucher (the preview promise covers both).
  if (chance(45)) {
    if (chance(50))
      earn.push_back({{"id", "bday"}, {"type", "birthday"}, {"points", 200}});
    else
      earn.push_back({{"id", "bday"}, {"type", "birthday"}, {"reward", "free-coffee"}});
  }
  // A welcome bonus held for an order (most members below have ordered since: not all).
  if (chance(30))
    earn.push_back({{"id", "welcome"},
                    {"type", "signup"},
                    {"points", 100},
                    {"mode", chance(50) ? "next_order" : "after_spend"},
                    {"min_order_minor", 1000}});
  if (chance(20)) earn[0]["max_points"] = 40;
  p["earn"] = earn;
  if (chance(60))
    p["punch_cards"] = {{{"id", "coffee"},
                         {"match", {{"categories", {"coffee"}}}},
                         {"required", 3 + pick(8)},
                         {"reward", "free-coffee"},
                         {"punch", chance(70) ? "per_item" : "per_order"}}};
  if (p.contains("punch_cards") && chance(30)) p["punch_cards"][0]["max_punches_per_day"] = 2;
  const int expiry = pick(3);
  if (expiry == 1) p["expiry"] = {{"policy", "rolling"}, {"days", 30 + pick(300)}};
  if (expiry == 2) p["expiry"] = {{"policy", "inactivity"}, {"days", 30 + pick(300)}};
  const char* stacking[] = {"highest", "multiply", "add"};
  p["multiplier_stacking"] = stacking[pick(3)];
  p["earn_on_discounted"] = chance(70);
  if (chance(20)) p["pending_days"] = 14;
  p["limits"] = {{"max_rewards_per_order", 1 + pick(3)}};
  if (chance(15)) p["limits"]["max_points_per_order"] = 60;
  // Cashback in store credit (waiting with the points when pending_days is set) and a segment of
  // coat buyers, whose first coat order writes the segment's line: both in the preview promise.
  if (chance(30))
    p["earn"].push_back(
        {{"id", "cb"}, {"type", "cashback"}, {"percent", chance(50) ? "5" : "2.5"}});
  if (chance(30))
    p["segments"] = {{{"id", "coat-buyers"},
                      {"name", "Bought a coat"},
                      {"bought", {{"categories", {"coats"}}}}}};
  return p;
}

json Generator::cart(const json& program, const std::string& at) {
  (void)program;
  json lines = json::array();
  const int n = 1 + pick(6);
  for (int i = 0; i < n; ++i) {
    const int k = pick(7);
    json line = {{"sku", kSkus[k]},
                 {"category", kCategories[k]},
                 {"unit_price_minor", 50 * (1 + pick(200))},
                 {"quantity", 1 + pick(3)}};
    if (chance(15)) line["discount_minor"] = 50;
    lines.push_back(line);
  }
  json c = {{"currency", "PEN"}, {"at", at}, {"lines", lines}};
  if (chance(40)) c["shipping_minor"] = 500;
  std::int64_t merchandise = 0;
  for (const auto& l : lines)
    merchandise += l["unit_price_minor"].get<std::int64_t>() * l["quantity"].get<std::int64_t>() -
                   l.value("discount_minor", 0);
  if (chance(20)) c["order_discount_minor"] = std::min<std::int64_t>(merchandise, 100 * pick(3));
  return c;
}

json Generator::redeem(const json& program) {
  (void)program;
  json r = json::array();
  const char* ids[] = {"5-off", "10-pct", "ship", "free-coffee", "tote", "nope"};
  const int n = pick(3);
  for (int i = 0; i < n; ++i) {
    if (chance(25))
      r.push_back({{"reward", "pay"}, {"points", 50 * (1 + pick(20))}});
    else
      r.push_back({{"reward", ids[pick(6)]}});
  }
  return r;
}

json Generator::history(const json& program, int max_events) {
  json events = json::array();
  const std::string member = "m-1";
  std::int64_t t = kStart + pick(86400 * 30);
  auto ts = [&](std::int64_t s) {
    std::time_t tt = static_cast<std::time_t>(s - 5 * 3600);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S-05:00", &tm);
    return std::string(buf);
  };
  json enroll = {{"id", "e-" + std::to_string(next_id_++)},
                 {"at", ts(t)},
                 {"type", "enroll"},
                 {"member_id", member}};
  if (chance(50)) {
    // November often: property tests preview carts in November 2026, the birthday month then.
    const int month = chance(40) ? 11 : 1 + pick(12);
    enroll["birthday"] = (month < 10 ? "0" : "") + std::to_string(month) + "-15";
  }
  events.push_back(enroll);
  if (program.contains("membership") && chance(70))
    events.push_back({{"id", "e-" + std::to_string(next_id_++)},
                      {"at", ts(t + 60)},
                      {"type", "membership_start"}});
  std::vector<std::string> orders;
  const int n = chance(12) ? 0 : pick(max_events);  // some members only enrolled
  for (int i = 0; i < n; ++i) {
    t += pick(86400 * 40);
    if (t >= kEnd) break;
    const std::string id = "e-" + std::to_string(next_id_++);
    const int kind = pick(10);
    if (kind < 6) {
      const std::string oid = "o-" + std::to_string(next_id_);
      json ev = {{"id", id},
                 {"at", ts(t)},
                 {"type", "order"},
                 {"order_id", oid},
                 {"cart", cart(program, ts(t))}};
      if (chance(20)) ev["redeem"] = redeem(program);
      events.push_back(ev);
      orders.push_back(oid);
    } else if (kind == 6 && !orders.empty()) {
      json ev = {{"id", id},
                 {"at", ts(t)},
                 {"type", "refund"},
                 {"order_id", orders[pick(static_cast<int>(orders.size()))]}};
      if (chance(60)) ev["lines"] = {{{"sku", kSkus[pick(7)]}, {"quantity", 1}}};
      events.push_back(ev);
    } else if (kind == 7) {
      events.push_back({{"id", id}, {"at", ts(t)}, {"type", "action"}, {"action", "review"}});
    } else if (kind == 8) {
      events.push_back({{"id", id},
                        {"at", ts(t)},
                        {"type", "adjust"},
                        {"points", chance(70) ? 100 : -50},
                        {"reason", "test"}});
    } else if (program.contains("membership") && chance(60)) {
      const int which = pick(4);
      json ev = {{"id", id},
                 {"at", ts(t)},
                 {"type", which == 0   ? "membership_start"
                          : which == 3 ? "membership_cancel"
                                       : "membership_payment"}};
      if (which == 1 || which == 2) ev["amount_minor"] = 1990;
      events.push_back(ev);
    } else {
      events.push_back({{"id", id},
                        {"at", ts(t)},
                        {"type", chance(50) ? "tick" : "redeem"},
                        {"reward", "tote"}});
      if (events.back()["type"] == "tick") events.back().erase("reward");
    }
  }
  return events;
}

}  // namespace loyalty::testing
