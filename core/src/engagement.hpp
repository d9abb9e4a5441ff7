// The engagement parts of the program document (spec/engagement.md): prize wheels, coupon
// codes, challenges and the paid membership, as value types. Included by program.hpp, which
// defines the conditions they share.
#pragma once

namespace loyalty {

struct Prize {
  std::string id;
  Text name;  // null when the document gives none
  i64 weight = 1;
  i64 points = 0;
  std::string reward;  // empty: no voucher ("try again" when points are 0 too)
};

struct Wheel {
  std::string id;
  Text name;
  Conditions cond;
  std::optional<Limit> limit;
  std::vector<Prize> prizes;
  i64 total_weight = 0;
};

struct Coupon {
  std::string code;  // as the merchant wrote it
  std::string key;   // trimmed and upper-cased: how codes are matched
  std::string reward;
  Conditions cond;
  i64 per_member = 1;
  VoucherExpiry voucher;
};

struct ChallengeStep {
  std::string id;
  Text name;
  std::string action;  // done by this action, or (empty) by an order
  std::optional<Match> match;
  i64 min_order_minor = 0;
};

struct Challenge {
  std::string id;
  Text name;
  Conditions cond;
  bool ordered = false, repeat = false;
  std::vector<ChallengeStep> steps;
  std::string reward;
  i64 points = 0;
};

// A group of members by what they bought (`bought`) or never bought (`not_bought`).
struct Segment {
  std::string id;
  Text name;
  Match match;
  bool bought = true;
};

enum class MembershipPeriod { month, year };

struct Membership {
  std::string id;
  Text name;
  i64 fee_minor = 0;
  MembershipPeriod period = MembershipPeriod::month;
  i64 trial_days = 0, grace_days = 0;
  std::vector<Text> benefits;
};

// A code as codes are matched: surrounding white space trimmed, ASCII letters upper-cased.
std::string coupon_key(std::string_view code);

}  // namespace loyalty
