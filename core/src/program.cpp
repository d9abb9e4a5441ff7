#include "program.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "program_parse.hpp"
#include "stable_order.hpp"

namespace loyalty {
namespace {

int read_clock(const In& in) {
  const std::string s = in.string();
  int h = -1, m = -1, sec = 0;
  auto two = [&](std::size_t pos, int& out) {
    if (pos + 2 > s.size() || !isdigit(s[pos]) || !isdigit(s[pos + 1])) return false;
    out = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
    return true;
  };
  const bool ok = (s.size() == 5 || (s.size() == 8 && s[5] == ':' && two(6, sec))) && two(0, h) &&
                  s[2] == ':' && two(3, m) && m < 60 && sec < 60 &&
                  (h < 24 || (h == 24 && m == 0 && sec == 0));
  if (!ok) in.fail("expected a time of day \"HH:MM\", got " + in.v.dump());
  return h * 3600 + m * 60 + sec;
}

}  // namespace

Window parse_window(const In& in) {
  in.object({"from", "until", "days", "hours"});
  Window w;
  if (auto f = in.find("from")) w.from = read_timestamp(*f);
  if (auto u = in.find("until")) w.until = read_timestamp(*u);
  if (w.from && w.until && *w.until <= *w.from) in.fail_at("until", "must be later than from");
  if (auto d = in.find("days")) {
    const auto& arr = d->array();
    static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const In day = d->at(i);
      const std::string s = day.string();
      int found = -1;
      for (int k = 0; k < 7; ++k) found = s == kDays[k] ? k : found;
      if (found < 0)
        day.fail("expected a day (mon, tue, wed, thu, fri, sat, sun), got \"" + s + "\"");
      w.days_mask |= 1u << found;
    }
    if (arr.empty()) d->fail("must name at least one day");
  }
  if (auto h = in.find("hours")) {
    if (h->array().size() != 2) h->fail("expected [start, end], e.g. [\"16:00\", \"18:00\"]");
    w.hour_start = read_clock(h->at(0));
    w.hour_end = read_clock(h->at(1));
    if (*w.hour_start == *w.hour_end) h->fail("start and end must differ");
  }
  return w;
}

Limit parse_limit(const In& in) {
  in.object({"count", "per"});
  Limit l;
  l.count = in.at("count").integer(1, kMaxPoints);
  if (auto p = in.find("per")) {
    if (!parse_period(p->string(), l.per))
      p->fail("must be one of day, week, month, year, lifetime, got " + p->v.dump());
  }
  return l;
}

void parse_conditions(const In& in, Conditions& c) {
  if (auto m = in.find("match")) c.match = parse_match(*m);
  if (auto w = in.find("when")) c.when = parse_window(*w);
  if (auto a = in.find("audience")) {
    a->object({"tiers", "membership", "min_member_days", "max_member_days", "min_orders",
               "lapsed_days", "segments", "not_segments"});
    c.extra.segments = a->strings("segments");
    c.extra.not_segments = a->strings("not_segments");
    if (auto m = a->find("min_orders")) {
      m->object({"count", "days"});
      c.extra.min_orders = m->at("count").integer(1, 1'000'000);
      c.extra.min_orders_days = m->at("days").integer(1, kMaxOrderWindowDays);
    }
    c.extra.lapsed_days = a->optional_integer("lapsed_days", 1, 36500);
    c.audience = a->strings("tiers");
    if (auto m = a->find("membership")) c.extra.membership = m->boolean();
    c.extra.min_member_days = a->optional_integer("min_member_days", 0, 36500);
    c.extra.max_member_days = a->optional_integer("max_member_days", 1, 36500);
    if (c.extra.min_member_days && c.extra.max_member_days &&
        *c.extra.max_member_days <= *c.extra.min_member_days)
      a->fail_at("max_member_days", "can never hold: it must be greater than min_member_days");
    if (c.extra.any()) c.extra.doc = a->v.to_json();
  }
  c.min_order_minor = in.integer("min_order_minor", 0, 0, kMaxMoney);
}

VoucherExpiry parse_voucher_expiry(const In& in) {
  VoucherExpiry v;
  v.days = in.optional_integer("voucher_days", 1, 36500);
  if (auto e = in.find("voucher_expires")) {
    if (e->string() != "end_of_day") e->fail("must be \"end_of_day\", got " + e->v.dump());
    if (v.days) in.fail_at("voucher_expires", "give voucher_days or voucher_expires, not both");
    v.end_of_day = true;
  }
  return v;
}

namespace {

const char* const kEarnCommon[] = {
    "id", "name", "type", "match", "when", "audience", "min_order_minor", "max_points"};

void check_fields(const In& in, std::initializer_list<std::string_view> extra,
                  const char* const* common, std::size_t n_common) {
  for (const auto& [key, value] : in.v.members()) {
    bool known = false;
    for (std::size_t i = 0; i < n_common; ++i) known = known || key == common[i];
    for (auto e : extra) known = known || e == key;
    if (!known) in.fail_at(key, "unknown field \"" + std::string(key) + "\" for this type");
  }
}

EarnRule parse_earn(const In& in, const std::string& lang, std::vector<Warning>* warnings) {
  if (!in.v.is_object()) in.fail("expected an object, got " + type_name(in.v));
  EarnRule r;
  r.path = in.path();
  r.id = in.at("id").string();
  r.name = parse_text(in, "name", "", lang, warnings);
  r.type = pick<EarnType>(in.at("type"), {{"per_spend", EarnType::per_spend},
                                          {"per_item", EarnType::per_item},
                                          {"per_order", EarnType::per_order},
                                          {"bonus", EarnType::bonus},
                                          {"multiplier", EarnType::multiplier},
                                          {"spend_threshold", EarnType::spend_threshold},
                                          {"signup", EarnType::signup},
                                          {"birthday", EarnType::birthday},
                                          {"action", EarnType::action},
                                          {"referral", EarnType::referral},
                                          {"cashback", EarnType::cashback}});
  const std::size_t nc = std::size(kEarnCommon);
  switch (r.type) {
    case EarnType::per_spend:
      check_fields(in, {"points", "per_minor", "rounding", "include_shipping"}, kEarnCommon, nc);
      r.points = in.at("points").integer(0, kMaxPoints);
      r.per_minor = in.integer("per_minor", 1, 1, kMaxMoney);
      r.include_shipping = in.boolean("include_shipping", false);
      break;
    case EarnType::per_item:
      check_fields(in, {"points", "rounding"}, kEarnCommon, nc);
      r.points = in.at("points").integer(0, kMaxPoints);
      break;
    case EarnType::per_order:
      check_fields(in, {"points"}, kEarnCommon, nc);
      r.points = in.at("points").integer(0, kMaxPoints);
      break;
    case EarnType::bonus:
      check_fields(in, {"points", "min_quantity"}, kEarnCommon, nc);
      r.points = in.at("points").integer(0, kMaxPoints);
      r.min_quantity = in.integer("min_quantity", 1, 1, kMaxPoints);
      break;
    case EarnType::multiplier:
      check_fields(in, {"factor"}, kEarnCommon, nc);
      r.factor = read_fixed(in.at("factor"));
      if (r.factor.raw <= 0 || r.factor.raw > 1000 * Fixed::kScale)
        in.fail_at("factor", "must be greater than 0 and at most 1000");
      break;
    case EarnType::spend_threshold:
      check_fields(in, {"every_minor", "reward", "voucher_days", "voucher_expires"}, kEarnCommon,
                   nc);
      r.every_minor = in.at("every_minor").integer(1, kMaxMoney);
      r.reward = in.at("reward").string();
      break;
    case EarnType::signup:
      check_fields(in, {"points", "mode"}, kEarnCommon, nc);
      r.points = in.at("points").integer(0, kMaxPoints);
      if (auto m = in.find("mode"))
        r.mode = pick<SignupMode>(*m, {{"immediate", SignupMode::immediate},
                                       {"next_order", SignupMode::next_order},
                                       {"after_spend", SignupMode::after_spend}});
      break;
    case EarnType::birthday:
      check_fields(in, {"points", "reward", "voucher_days", "voucher_expires"}, kEarnCommon, nc);
      r.points = in.integer("points", 0, 0, kMaxPoints);
      r.reward = in.string("reward", "");
      if (in.has("points") == !r.reward.empty())
        in.fail("a birthday rule gives either points or a reward");
      break;
    case EarnType::action:
      check_fields(in, {"action", "points", "limit", "reward", "voucher_days", "voucher_expires"},
                   kEarnCommon, nc);
      r.action = in.at("action").string();
      r.reward = in.string("reward", "");
      r.points = r.reward.empty() ? in.at("points").integer(0, kMaxPoints)
                                  : in.integer("points", 0, 0, kMaxPoints);
      if (auto l = in.find("limit")) r.limit = parse_limit(*l);
      break;
    case EarnType::cashback:
      check_fields(in, {"percent", "rounding"}, kEarnCommon, nc);
      r.percent = read_fixed(in.at("percent"));
      if (r.percent.raw <= 0 || r.percent > Fixed::whole(100))
        in.fail_at("percent", "must be greater than 0 and at most 100");
      break;
    case EarnType::referral:
      check_fields(in, {"referrer_points", "referee_points"}, kEarnCommon, nc);
      r.referrer_points = in.integer("referrer_points", 0, 0, kMaxPoints);
      r.referee_points = in.integer("referee_points", 0, 0, kMaxPoints);
      break;
  }
  r.voucher = parse_voucher_expiry(in);
  if (auto rd = in.find("rounding"))
    r.rounding = pick<Rounding>(
        *rd,
        {{"floor", Rounding::floor}, {"nearest", Rounding::nearest}, {"ceil", Rounding::ceil}});
  r.max_points = in.optional_integer("max_points", 0, kMaxPoints);
  parse_conditions(in, r.cond);
  return r;
}

const char* const kRewardCommon[] = {"id",    "name",     "description",  "type",
                                     "cost",  "audience", "when",         "min_order_minor",
                                     "match", "limit",    "voucher_days", "voucher_expires",
                                     "use",   "requires"};

// A match that no line can meet: every included sku (or category) is also excluded.
bool never_matches(const Match& m) {
  auto covered = [](const std::vector<std::string>& in, const std::vector<std::string>& out) {
    if (in.empty()) return false;
    for (const auto& x : in)
      if (std::find(out.begin(), out.end(), x) == out.end()) return false;
    return true;
  };
  return covered(m.skus, m.exclude_skus) || covered(m.categories, m.exclude_categories);
}

void parse_requires(const In& in, Reward& r) {
  in.object({"match", "min_quantity"});
  r.requires_match = parse_match(in.at("match"));
  r.requires_quantity = in.integer("min_quantity", 1, 1, 1'000'000);
  if (never_matches(*r.requires_match))
    in.fail_at("match", "no cart line can match: everything it includes it also excludes");
}

Reward parse_reward(const In& in, const std::string& lang, std::vector<Warning>* warnings) {
  if (!in.v.is_object()) in.fail("expected an object, got " + type_name(in.v));
  Reward r;
  r.id = in.at("id").string();
  r.name = parse_text(in, "name", r.id, lang, warnings);
  r.type =
      pick<RewardType>(in.at("type"), {{"fixed_discount", RewardType::fixed_discount},
                                       {"percent_discount", RewardType::percent_discount},
                                       {"free_item", RewardType::free_item},
                                       {"free_shipping", RewardType::free_shipping},
                                       {"points_discount", RewardType::points_discount},
                                       {"store_credit", RewardType::store_credit},
                                       {"choice", RewardType::choice},
                                       {"charity", RewardType::charity},
                                       {"gift_card", RewardType::gift_card},
                                       {"experience", RewardType::experience},
                                       {"physical", RewardType::physical},
                                       {"digital", RewardType::digital},
                                       {"store_credit_spend", RewardType::store_credit_spend}});
  const std::size_t nc = std::size(kRewardCommon);
  auto warn = [&](const std::string& field, const std::string& message) {
    if (warnings) warnings->push_back({pointer_append(in.path(), field), "deep_discount", message});
  };
  switch (r.type) {
    case RewardType::fixed_discount:
    case RewardType::store_credit:
      check_fields(in, {"amount_minor"}, kRewardCommon, nc);
      r.amount_minor = in.at("amount_minor").integer(1, kMaxMoney);
      break;
    case RewardType::percent_discount:
      check_fields(in, {"percent", "max_minor"}, kRewardCommon, nc);
      r.percent = read_fixed(in.at("percent"));
      if (r.percent < Fixed::whole(1) || r.percent > Fixed::whole(100))
        in.fail_at("percent", "must be between 1 and 100");
      r.max_minor = in.optional_integer("max_minor", 1, kMaxMoney);
      if (r.percent > Fixed::whole(50)) warn("percent", "a discount over 50% devalues the program");
      break;
    case RewardType::free_item:
      check_fields(in, {"max_value_minor"}, kRewardCommon, nc);
      r.max_value_minor = in.optional_integer("max_value_minor", 1, kMaxMoney);
      break;
    case RewardType::free_shipping:
      check_fields(in, {}, kRewardCommon, nc);
      break;
    case RewardType::store_credit_spend:
      check_fields(in, {}, kRewardCommon, nc);
      if (in.integer("cost", 0, 0, kMaxPoints) != 0)
        in.fail_at("cost", "store credit is spent, not bought with points: cost must be 0");
      break;
    case RewardType::points_discount:
      check_fields(in, {"step_points", "step_minor", "min_points", "max_order_percent"},
                   kRewardCommon, nc);
      r.step_points = in.at("step_points").integer(1, kMaxPoints);
      r.step_minor = in.at("step_minor").integer(1, kMaxMoney);
      r.min_points = in.integer("min_points", 0, 0, kMaxPoints);
      if (auto p = in.find("max_order_percent")) {
        r.max_order_percent = read_fixed(*p);
        if (*r.max_order_percent < Fixed::whole(1) || *r.max_order_percent > Fixed::whole(100))
          p->fail("must be between 1 and 100");
        if (*r.max_order_percent > Fixed::whole(50))
          warn("max_order_percent", "paying over 50% of an order with points devalues the program");
      } else {
        warn("max_order_percent", "without max_order_percent points can pay a whole order");
      }
      break;
    case RewardType::choice: {
      check_fields(in, {"options"}, kRewardCommon, nc);
      const In opts = in.at("options");
      const auto& arr = opts.array();
      if (arr.empty()) opts.fail("a choice reward needs at least one option");
      for (std::size_t i = 0; i < arr.size(); ++i) {
        const In o = opts.at(i);
        o.object({"id", "name"});
        RewardOption opt;
        opt.id = o.at("id").string();
        opt.name = parse_text(o, "name", opt.id, lang, warnings);
        for (const auto& prev : r.options)
          if (prev.id == opt.id) o.fail_at("id", "duplicate option id \"" + opt.id + "\"");
        r.options.push_back(opt);
      }
      break;
    }
    case RewardType::charity:
      check_fields(in, {"amount_minor", "cause"}, kRewardCommon, nc);
      r.amount_minor = in.at("amount_minor").integer(1, kMaxMoney);
      r.cause = in.string("cause", "");
      break;
    default:
      check_fields(in, {"details"}, kRewardCommon, nc);
      if (auto d = in.find("details")) r.details = d->v.to_json();
      break;
  }
  if (auto d = in.find("description")) d->string_or_empty();
  r.cost = in.integer("cost", 0, 0, kMaxPoints);
  if (auto l = in.find("limit")) r.limit = parse_limit(*l);
  r.voucher = parse_voucher_expiry(in);
  if (auto u = in.find("use")) r.use_now = pick<bool>(*u, {{"now", true}, {"any_time", false}});
  if (auto q = in.find("requires")) parse_requires(*q, r);
  parse_conditions(in, r.cond);
  return r;
}

Tiers parse_tiers(const In& in, const std::string& lang, std::vector<Warning>* warnings) {
  in.object({"basis", "period", "retain", "levels", "upgrade_applies_to_crossing_order"});
  Tiers t;
  if (auto b = in.find("basis"))
    t.basis = pick<TierBasis>(*b, {{"spend", TierBasis::spend},
                                   {"points", TierBasis::points},
                                   {"orders", TierBasis::orders}});
  if (auto p = in.find("period")) {
    if (p->v.is_object()) {
      p->object({"rolling_days"});
      t.period = TierPeriodKind::rolling_days;
      t.rolling_days = p->at("rolling_days").integer(1, 36500);
    } else {
      t.period = pick<TierPeriodKind>(*p, {{"lifetime", TierPeriodKind::lifetime},
                                           {"calendar_year", TierPeriodKind::calendar_year}});
    }
  }
  if (auto r = in.find("retain"))
    t.retain_next_period = pick<bool>(*r, {{"next_period", true}, {"none", false}});
  t.upgrade_applies_to_crossing_order = in.boolean("upgrade_applies_to_crossing_order", false);
  const In levels = in.at("levels");
  const auto& arr = levels.array();
  if (arr.empty()) levels.fail("at least one level is required");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const In l = levels.at(i);
    l.object({"id", "name", "min", "earn_multiplier", "benefits"});
    TierLevel level;
    level.id = l.at("id").string();
    level.name = parse_text(l, "name", level.id, lang, warnings);
    level.min = l.at("min").integer(0, kMaxMoney);
    if (auto m = l.find("earn_multiplier")) {
      level.earn_multiplier = read_fixed(*m);
      if (level.earn_multiplier->raw <= 0) m->fail("must be greater than 0");
    }
    level.benefits = parse_texts(l, "benefits", lang, warnings);
    if (!ids.insert(level.id).second) l.fail_at("id", "duplicate tier id \"" + level.id + "\"");
    for (const auto& prev : t.levels)
      if (prev.min == level.min)
        l.fail_at("min", "two levels share the minimum " + std::to_string(level.min));
    t.levels.push_back(level);
  }
  rearrange(
      t.levels,
      stable_order(t.levels.size(), &t.levels, [](const void* l, std::size_t a, std::size_t b) {
        const auto& levels = *static_cast<const std::vector<TierLevel>*>(l);
        return levels[a].min < levels[b].min;
      }));
  if (t.levels.front().min != 0) levels.fail("the lowest level must have min 0");
  return t;
}

PunchCard parse_punch_card(const In& in, const std::string& lang, std::vector<Warning>* warnings) {
  in.object({"id", "name", "match", "punch", "required", "reward", "max_punches_per_day",
             "voucher_days", "voucher_expires"});
  PunchCard c;
  c.id = in.at("id").string();
  c.name = parse_text(in, "name", c.id, lang, warnings);
  if (auto m = in.find("match")) c.match = parse_match(*m);
  if (auto p = in.find("punch"))
    c.per_item = pick<bool>(*p, {{"per_item", true}, {"per_order", false}});
  c.required = in.integer("required", 10, 1, 1'000'000);
  c.reward = in.at("reward").string();
  c.max_punches_per_day = in.optional_integer("max_punches_per_day", 1, 1'000'000);
  c.voucher = parse_voucher_expiry(in);
  return c;
}

template <typename T, typename Parse>
std::vector<T> parse_list(const std::optional<In>& in, Parse parse) {
  std::vector<T> out;
  if (!in) return out;
  const auto& arr = in->array();
  out.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) out.push_back(parse(in->at(i)));
  return out;
}

// `time_zone` (an IANA name or a POSIX TZ rule) or its fixed-offset shorthand `utc_offset`.
Zone parse_store_time(const In& in) {
  const auto offset = in.find("utc_offset");
  const auto name = in.find("time_zone");
  if (offset && name)
    offset->fail("give time_zone or utc_offset, not both: time_zone already sets the store's time");
  if (name) {
    Zone z;
    if (!find_zone(name->string(), z))
      name->fail("unknown time zone " + name->v.dump() +
                 ": expected an IANA name like \"America/New_York\" or a POSIX TZ rule like "
                 "\"EST5EDT,M3.2.0,M11.1.0\"");
    return z;
  }
  int seconds = 0;
  if (offset && !parse_offset(offset->string(), seconds))
    offset->fail("expected an offset like \"-05:00\", got " + offset->v.dump());
  return Zone::fixed(seconds);
}

}  // namespace

bool acts_on_cart(RewardType t) {
  return t == RewardType::fixed_discount || t == RewardType::percent_discount ||
         t == RewardType::free_item || t == RewardType::free_shipping ||
         t == RewardType::points_discount;
}

bool parse_currency(const std::string& code, Currency& out) {
  struct Entry {
    const char* code;
    int digits;
  };
  static const Entry kCurrencies[] = {
      {"USD", 2}, {"EUR", 2}, {"PEN", 2}, {"PLN", 2}, {"RON", 2}, {"MXN", 2}, {"COP", 2},
      {"GBP", 2}, {"CAD", 2}, {"AUD", 2}, {"NZD", 2}, {"CHF", 2}, {"BRL", 2}, {"ARS", 2},
      {"SEK", 2}, {"NOK", 2}, {"DKK", 2}, {"CZK", 2}, {"HUF", 2}, {"INR", 2}, {"CNY", 2},
      {"HKD", 2}, {"SGD", 2}, {"ZAR", 2}, {"TRY", 2}, {"ILS", 2}, {"AED", 2}, {"SAR", 2},
      {"BOB", 2}, {"UYU", 2}, {"PYG", 0}, {"JPY", 0}, {"CLP", 0}, {"KRW", 0}, {"ISK", 0},
      {"VND", 0}, {"UGX", 0}, {"XAF", 0}, {"XOF", 0}, {"KWD", 3}, {"BHD", 3}, {"JOD", 3},
      {"OMR", 3}, {"TND", 3}, {"IQD", 3}, {"LYD", 3}};
  for (const auto& e : kCurrencies) {
    if (code == e.code) {
      out = Currency{e.code, e.digits};
      return true;
    }
  }
  return false;
}

Match parse_match(const In& in) {
  in.object({"skus", "categories", "exclude_skus", "exclude_categories"});
  return Match{in.strings("skus"), in.strings("categories"), in.strings("exclude_skus"),
               in.strings("exclude_categories")};
}

const Reward* Program::reward(const std::string& rid) const {
  for (const auto& r : rewards)
    if (r.id == rid) return &r;
  return nullptr;
}

const EarnRule* Program::rule(const std::string& rid) const {
  for (const auto& r : earn)
    if (r.id == rid) return &r;
  return nullptr;
}

namespace {

void parse_expiry(const In& in, Program& p) {
  auto e = in.find("expiry");
  if (!e) return;
  e->object({"policy", "days"});
  p.expiry = pick<ExpiryPolicy>(e->at("policy"), {{"none", ExpiryPolicy::none},
                                                  {"rolling", ExpiryPolicy::rolling},
                                                  {"inactivity", ExpiryPolicy::inactivity}});
  if (p.expiry == ExpiryPolicy::none) {
    if (e->has("days")) e->fail_at("days", "the policy \"none\" takes no days");
  } else {
    p.expiry_days = e->at("days").integer(1, 36500);
  }
}

// Refunds, late events and remembered event ids reach back refund_days (spec/sync.md, "Cost that
// does not grow"); pending points must still be cancellable by a refund, hence >= pending_days.
void parse_limits(const In& in, Program& p) {
  p.refund_days = std::max<i64>(365, p.pending_days);
  if (auto l = in.find("limits")) {
    l->object({"max_points_per_order", "max_rewards_per_order", "refund_days"});
    p.max_points_per_order = l->optional_integer("max_points_per_order", 0, kMaxPoints);
    p.max_rewards_per_order = l->integer("max_rewards_per_order", 1, 0, 1000);
    if (l->has("refund_days")) {
      p.refund_days = l->at("refund_days").integer(1, 36500);
      if (p.refund_days < p.pending_days)
        l->fail_at("refund_days", "refund_days must be at least pending_days (" +
                                      std::to_string(p.pending_days) + ")");
    }
  }
}

// Cross-references: ids unique, every named reward and tier exists.
void check_references(const In& in, const Program& p) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < p.earn.size(); ++i) {
    const auto& r = p.earn[i];
    const In earn = in.at("earn");  // outlives ri, which refers to it
    const In ri = earn.at(i);
    if (!seen.insert(r.id).second) ri.fail_at("id", "duplicate rule id \"" + r.id + "\"");
    if (!r.reward.empty() && !p.reward(r.reward))
      ri.fail_at("reward", "no reward with id \"" + r.reward + "\"");
  }
  seen.clear();
  for (std::size_t i = 0; i < p.rewards.size(); ++i) {
    if (!seen.insert(p.rewards[i].id).second)
      in.at("rewards").at(i).fail_at("id", "duplicate reward id \"" + p.rewards[i].id + "\"");
  }
  seen.clear();
  for (std::size_t i = 0; i < p.punch_cards.size(); ++i) {
    const In cards = in.at("punch_cards");  // outlives ci, which refers to it
    const In ci = cards.at(i);
    if (!seen.insert(p.punch_cards[i].id).second)
      ci.fail_at("id", "duplicate punch card id \"" + p.punch_cards[i].id + "\"");
    if (!p.reward(p.punch_cards[i].reward))
      ci.fail_at("reward", "no reward with id \"" + p.punch_cards[i].reward + "\"");
  }
  auto check_audience = [&](const std::vector<std::string>& tiers, const In& owner) {
    for (std::size_t k = 0; k < tiers.size(); ++k) {
      bool found = false;
      if (p.tiers)
        for (const auto& l : p.tiers->levels) found = found || l.id == tiers[k];
      if (!found)
        loyalty::fail("invalid_program",
                      pointer_append(owner.path(), "audience") + "/tiers/" + std::to_string(k),
                      "no tier with id \"" + tiers[k] + "\"");
    }
  };
  for (std::size_t i = 0; i < p.earn.size(); ++i)
    check_audience(p.earn[i].cond.audience, in.at("earn").at(i));
  for (std::size_t i = 0; i < p.rewards.size(); ++i)
    check_audience(p.rewards[i].cond.audience, in.at("rewards").at(i));
}

}  // namespace

namespace {

std::vector<i64> audience_windows(const Program& p) {
  std::set<i64> days;
  auto add = [&](const auto& list) {
    for (const auto& x : list)
      if (x.cond.extra.min_orders) days.insert(x.cond.extra.min_orders_days);
  };
  add(p.earn);
  add(p.rewards);
  add(p.wheels);
  add(p.coupons);
  add(p.challenges);
  return {days.begin(), days.end()};
}

bool uses_audience(const Program& p) {
  auto any = [](const auto& list) {
    return std::any_of(list.begin(), list.end(), [](const auto& x) { return x.cond.extra.any(); });
  };
  return any(p.earn) || any(p.rewards) || any(p.wheels) || any(p.coupons) || any(p.challenges);
}

}  // namespace

Program parse_program(const In& outer) {
  const In in(outer, "invalid_program");
  in.object({"schema",
             "id",
             "name",
             "version",
             "currency",
             "utc_offset",
             "time_zone",
             "points_label",
             "earn",
             "tiers",
             "rewards",
             "punch_cards",
             "expiry",
             "limits",
             "multiplier_stacking",
             "earn_on_discounted",
             "pending_days",
             "upgrade_applies_to_crossing_order",
             "default_language",
             "default_country",
             "lapsed_days",
             "point_value_minor",
             "wheels",
             "coupons",
             "challenges",
             "membership",
             "segments"});
  Program p;
  std::vector<Warning>* warnings = &p.warnings;
  const In schema = in.at("schema");
  if (schema.string() != "loyalty-program/1")
    schema.fail("must be \"loyalty-program/1\", got " + schema.v.dump());
  p.id = in.at("id").string();
  if (auto d = in.find("default_language")) {
    p.default_language = d->string();
    if (!language_tag(p.default_language))
      d->fail("expected a language tag like \"en\" or \"es-PE\", got " + d->v.dump());
  }
  // The country a phone number without its prefix belongs to (spec/sync.md, "Members'
  // identifiers"): the server reads it; the rules do not.
  if (auto c = in.find("default_country")) {
    const std::string country = c->string();
    if (country.size() != 2 || !std::isupper(static_cast<unsigned char>(country[0])) ||
        !std::isupper(static_cast<unsigned char>(country[1])))
      c->fail("expected an ISO 3166-1 alpha-2 country code like \"PE\", got " + c->v.dump());
  }
  // When a member with no order for that many days counts as lapsed, for the server's
  // member.lapsed webhook (spec/sync.md, "Webhooks"); the rules do not read it.
  in.integer("lapsed_days", 90, 1, 36500);
  const std::string& lang = p.default_language;
  p.name = parse_text(in, "name", p.id, lang, warnings);
  if (auto v = in.find("point_value_minor")) {
    p.point_value_minor = read_fixed(*v);
    if (p.point_value_minor->raw < 0) v->fail("must not be negative");
  }
  p.version = in.integer("version", 1, 1, INT64_MAX);
  const In currency = in.at("currency");
  if (!parse_currency(currency.string(), p.currency))
    currency.fail("unknown ISO 4217 currency code " + currency.v.dump());
  p.zone = parse_store_time(in);
  if (auto l = in.find("points_label")) p.points_label = parse_points_label(*l);
  p.earn = parse_list<EarnRule>(in.find("earn"),
                                [&](const In& r) { return parse_earn(r, lang, warnings); });
  if (auto t = in.find("tiers")) p.tiers = parse_tiers(*t, lang, warnings);
  p.rewards = parse_list<Reward>(in.find("rewards"),
                                 [&](const In& r) { return parse_reward(r, lang, warnings); });
  p.punch_cards = parse_list<PunchCard>(
      in.find("punch_cards"), [&](const In& c) { return parse_punch_card(c, lang, warnings); });
  parse_engagement(in, p);
  parse_expiry(in, p);
  p.pending_days = in.integer("pending_days", 0, 0, 3650);
  parse_limits(in, p);
  if (auto s = in.find("multiplier_stacking"))
    p.stacking = pick<Stacking>(
        *s,
        {{"highest", Stacking::highest}, {"multiply", Stacking::multiply}, {"add", Stacking::add}});
  p.earn_on_discounted = in.boolean("earn_on_discounted", true);
  // Also accepted at the top level (the spec names the setting without placing it).
  if (auto u = in.find("upgrade_applies_to_crossing_order")) {
    if (!p.tiers) u->fail("needs tiers");
    p.tiers->upgrade_applies_to_crossing_order = u->boolean();
  }

  check_references(in, p);
  p.uses_audience = uses_audience(p);
  p.audience_windows = audience_windows(p);
  p.uses_store_credit =
      std::any_of(p.earn.begin(), p.earn.end(),
                  [](const EarnRule& r) { return r.type == EarnType::cashback; }) ||
      std::any_of(p.rewards.begin(), p.rewards.end(),
                  [](const Reward& r) { return r.type == RewardType::store_credit_spend; });
  return p;
}

}  // namespace loyalty
