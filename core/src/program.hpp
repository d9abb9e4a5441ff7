// The program document (`loyalty-program/1`, spec/program.md) as value types: parsed and
// validated once at the edge, valid from then on. Every computing function takes these.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checked.hpp"
#include "fixed.hpp"
#include "text.hpp"
#include "time.hpp"

namespace loyalty {

struct Match {
  std::vector<std::string> skus, categories, exclude_skus, exclude_categories;
  bool any() const {
    return skus.empty() && categories.empty() && exclude_skus.empty() && exclude_categories.empty();
  }
};

struct Window {
  std::optional<Timestamp> from, until;     // until is exclusive
  unsigned days_mask = 0;                   // bit 0 = Monday; 0 = every day
  std::optional<int> hour_start, hour_end;  // seconds of the local day; end exclusive
};

struct Limit {
  i64 count = 0;
  Period per = Period::lifetime;
};

// How long a voucher lasts, as its issuer (a rule, a card, a coupon, a reward) says.
struct VoucherExpiry {
  std::optional<i64> days;
  bool end_of_day = false;  // the next store-local midnight after it is issued
  bool given() const { return days || end_of_day; }
};

// The audience fields beyond tiers (spec/engagement.md, "Audiences and segments").
struct AudienceExtra {
  std::optional<bool> membership;
  std::optional<i64> min_member_days, max_member_days;
  i64 min_orders = 0, min_orders_days = 0;  // frequency: min_orders orders in the days before
  std::vector<std::string> segments, not_segments;
  std::optional<i64> lapsed_days;  // win-back: no order for that many days
  json doc;                        // the audience as the document gave it, for the catalog
  bool any() const {
    return membership || min_member_days || max_member_days || min_orders || lapsed_days ||
           !segments.empty() || !not_segments.empty();
  }
};

// What every rule and reward may carry.
struct Conditions {
  std::optional<Match> match;
  std::optional<Window> when;
  std::vector<std::string> audience;  // tier ids; empty = everyone
  AudienceExtra extra;
  i64 min_order_minor = 0;
};

enum class EarnType {
  per_spend,
  per_item,
  per_order,
  bonus,
  multiplier,
  spend_threshold,
  signup,
  birthday,
  action,
  referral,
  cashback
};
enum class SignupMode { immediate, next_order, after_spend };

struct EarnRule {
  std::string id;
  Text name;  // "" when the document gives none
  EarnType type{};
  Conditions cond;
  std::optional<i64> max_points;
  i64 points = 0;
  i64 per_minor = 1;
  Rounding rounding = Rounding::floor;
  bool include_shipping = false;
  i64 min_quantity = 1;
  Fixed factor;
  i64 every_minor = 0;
  std::string reward;  // spend_threshold / birthday / action voucher reward
  VoucherExpiry voucher;
  SignupMode mode = SignupMode::immediate;
  std::string action;
  std::optional<Limit> limit;
  i64 referrer_points = 0, referee_points = 0;
  Fixed percent;     // cashback
  std::string path;  // JSON pointer of the rule, for explanations and errors
};

enum class TierBasis { spend, points, orders };
enum class TierPeriodKind { lifetime, calendar_year, rolling_days };

struct TierLevel {
  std::string id;
  Text name;
  i64 min = 0;
  std::optional<Fixed> earn_multiplier;
  std::vector<Text> benefits;
};

struct Tiers {
  TierBasis basis = TierBasis::spend;
  TierPeriodKind period = TierPeriodKind::lifetime;
  i64 rolling_days = 0;
  bool retain_next_period = true;
  bool upgrade_applies_to_crossing_order = false;
  std::vector<TierLevel> levels;  // sorted by min, first min == 0
};

enum class RewardType {
  fixed_discount,
  percent_discount,
  free_item,
  free_shipping,
  points_discount,
  store_credit,
  choice,
  charity,
  gift_card,
  experience,
  physical,
  digital,
  store_credit_spend
};
bool acts_on_cart(RewardType t);

struct RewardOption {
  std::string id;
  Text name;
};

struct Reward {
  std::string id;
  Text name;
  RewardType type{};
  i64 cost = 0;
  Conditions cond;
  std::optional<Limit> limit;
  i64 amount_minor = 0;
  Fixed percent;
  std::optional<i64> max_minor;        // percent_discount cap
  std::optional<i64> max_value_minor;  // free_item cap
  i64 step_points = 0, step_minor = 0, min_points = 0;
  std::optional<Fixed> max_order_percent;
  std::vector<RewardOption> options;
  std::string cause;
  json details;
  VoucherExpiry voucher;
  bool use_now = false;                 // `use: "now"`: never held past the day it is issued
  std::optional<Match> requires_match;  // buy X, get Y
  i64 requires_quantity = 0;            // 0: no requirement
};

struct PunchCard {
  std::string id;
  Text name;
  std::optional<Match> match;
  bool per_item = true;
  i64 required = 10;
  std::string reward;
  std::optional<i64> max_punches_per_day;
  VoucherExpiry voucher;
};

}  // namespace loyalty

#include "engagement.hpp"

namespace loyalty {

enum class ExpiryPolicy { none, rolling, inactivity };
enum class Stacking { highest, multiply, add };

struct Warning {
  std::string path, code, message;
};

struct Currency {
  std::string code;
  int digits = 2;
};

class Program {
 public:
  std::string id;
  Text name;
  i64 version = 1;
  Currency currency;
  Zone zone;  // store-local time: `time_zone`, or the fixed `utc_offset`
  std::string default_language = "en";
  json points_label;                       // as the document gives it; null = the default
  std::optional<Fixed> point_value_minor;  // what one point costs the merchant
  bool uses_audience = false;         // some audience goes beyond tiers: orders keep their facts
  bool uses_store_credit = false;     // a cashback rule or a store_credit_spend reward
  std::vector<i64> audience_windows;  // the distinct `min_orders` windows, in days
  std::vector<EarnRule> earn;
  std::optional<Tiers> tiers;
  std::vector<Reward> rewards;
  std::vector<PunchCard> punch_cards;
  std::vector<Wheel> wheels;
  std::vector<Coupon> coupons;
  std::vector<Challenge> challenges;
  std::optional<Membership> membership;
  std::vector<Segment> segments;
  ExpiryPolicy expiry = ExpiryPolicy::none;
  i64 expiry_days = 0;
  std::optional<i64> max_points_per_order;
  i64 max_rewards_per_order = 1;
  Stacking stacking = Stacking::highest;
  bool earn_on_discounted = true;
  i64 pending_days = 0;
  i64 refund_days = 365;  // limits.refund_days: the reach of refunds, late events, event ids
  std::vector<Warning> warnings;  // found while parsing; validation reports them

  const Reward* reward(const std::string& id) const;
  const EarnRule* rule(const std::string& id) const;
  const Wheel* wheel(const std::string& id) const;
  const Coupon* coupon(const std::string& code) const;  // case-insensitive, trimmed
};

// Throws Failure(invalid_program / overflow) with the pointer of the first bad field.
Program parse_program(const In& in);

// Shared condition readers, reused by carts and requests.
Match parse_match(const In& in);
bool parse_currency(const std::string& code, Currency& out);

}  // namespace loyalty
