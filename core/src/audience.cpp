#include "audience.hpp"

#include "membership.hpp"
#include "tiers.hpp"

namespace loyalty {

const char* audience_failure(const Conditions& c, const Who& who) {
  const AudienceExtra& x = c.extra;
  if (who.facts.guest && x.any()) {
    if (x.membership) return "membership";
    return x.min_member_days ? "min_member_days" : "max_member_days";
  }
  if (!in_audience(c.audience, who.tier)) return "tiers";
  if (x.membership && *x.membership != who.facts.membership_on) return "membership";
  if (x.min_member_days && who.facts.member_days < *x.min_member_days) return "min_member_days";
  if (x.max_member_days && who.facts.member_days >= *x.max_member_days) return "max_member_days";
  return nullptr;
}

Facts facts_at(const Program& p, const Ledger& l, Timestamp at) {
  Facts f;
  f.guest = l.member_id.empty();
  if (!p.uses_audience) return f;  // only audiences ask the rest: the preview skips it
  f.membership_on = membership_on(p, l.membership, at);
  if (l.enrolled_at)
    f.member_days = local_time(at, p.zone).day - local_time(*l.enrolled_at, p.zone).day;
  return f;
}

Who who_at(const Program& p, const Ledger& l, Timestamp at) {
  return Who{tier_id(tier_at(p, l, at)), facts_at(p, l, at)};
}

}  // namespace loyalty
