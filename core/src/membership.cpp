#include "membership.hpp"

namespace loyalty {
namespace {

// The instant `n` periods after the anchor: the anchor's day of the month kept where the month
// has it, else its last day (Jan 31 → Feb 28 → Mar 31), at the anchor's time of day.
Timestamp after_periods(const Program& p, const MembershipState& m, i64 n) {
  int y = 0, mo = 0, d = 0;
  civil_from_days(m.anchor_day, y, mo, d);
  const i64 months = p.membership->period == MembershipPeriod::year ? 12 * n : n;
  const i64 index = static_cast<i64>(y) * 12 + (mo - 1) + months;
  const int ty = static_cast<int>(floor_div(index, 12));
  const int tm = static_cast<int>(index - static_cast<i64>(ty) * 12) + 1;
  const int td = std::min(d, days_in_month(ty, tm));
  const i64 local = days_from_civil(ty, tm, td) * 86'400 + m.anchor_second;
  return Timestamp{p.zone.instant_of(local) * 1000};
}

Timestamp local_midnight(const Program& p, i64 day) {
  return Timestamp{p.zone.instant_of(day * 86'400) * 1000};
}

bool in_grace(const Program& p, const MembershipState& m, Timestamp at) {
  return m.paid && !m.cancelled && m.until &&
         at.ms < m.until->ms + p.membership->grace_days * kDayMs;
}

}  // namespace

const char* membership_status(const Program& p, const MembershipState& m, Timestamp at) {
  if (!p.membership || !m.started || !m.until) return "none";
  if (at < *m.until) return m.cancelled ? "cancelled" : m.paid ? "active" : "trial";
  if (in_grace(p, m, at)) return "grace";
  return "lapsed";
}

bool membership_on(const Program& p, const MembershipState& m, Timestamp at) {
  const std::string_view s = membership_status(p, m, at);
  return s == "trial" || s == "active" || s == "grace" || s == "cancelled";
}

i64 trial_days_left(const Program& p, const MembershipState& m, Timestamp at) {
  if (std::string_view(membership_status(p, m, at)) != "trial") return 0;
  const i64 last = local_time(Timestamp{m.until->ms - 1}, p.zone).day;
  return last - local_time(at, p.zone).day + 1;
}

std::optional<Timestamp> membership_next_change(const Program& p, const MembershipState& m,
                                                Timestamp after) {
  if (!p.membership || !m.started || !m.until) return std::nullopt;
  if (after < *m.until) return m.until;
  const Timestamp grace_end{m.until->ms + p.membership->grace_days * kDayMs};
  if (m.paid && !m.cancelled && after < grace_end) return grace_end;
  return std::nullopt;
}

std::optional<Timestamp> membership_lapse_at(const Program& p, const MembershipState& m) {
  if (!p.membership || !m.started || !m.until) return std::nullopt;
  if (!m.paid || m.cancelled) return m.until;
  return Timestamp{m.until->ms + p.membership->grace_days * kDayMs};
}

HistoryEntry membership_lapsed_entry(const Program& p, Timestamp at) {
  HistoryEntry h = history_entry(p, "", "membership", at);
  h.lines.push_back(
      {p.membership->id, 0, Explain::of("membership.lapsed").arg("membership", p.membership->id)});
  return h;
}

namespace {

void record(const Program& p, MemberState& s, const Event& e, Explain why, i64 amount = 0) {
  HistoryEntry h = history_entry(p, e.id, "membership", e.at);
  h.lines.push_back({p.membership->id, 0, std::move(why)});
  if (amount) h.extra["amount_minor"] = amount;
  s.history.push_back(std::move(h));
}

void start(const Program& p, MemberState& s, const Event& e) {
  MembershipState& m = s.ledger.membership;
  if (membership_on(p, m, e.at))
    return reject_event(p, s, e, "not_eligible",
                        "the membership is already on (a payment renews a cancelled one)");
  const Membership& plan = *p.membership;
  m.started = true;
  m.cancelled = false;
  if (plan.trial_days > 0 && !m.trial_used) {
    m.trial_used = true;
    m.paid = false;
    m.until = local_midnight(p, local_time(e.at, p.zone).day + plan.trial_days);
    return record(p, s, e,
                  Explain::of("membership.trial")
                      .arg("membership", plan.id)
                      .arg("until", format_timestamp(*m.until, p.zone))
                      .arg("days", plan.trial_days));
  }
  m.paid = false;
  m.until.reset();
  record(p, s, e, Explain::of("membership.waiting").arg("membership", plan.id));
}

void payment(const Program& p, MemberState& s, const Event& e, const In& in) {
  MembershipState& m = s.ledger.membership;
  const Membership& plan = *p.membership;
  const i64 amount = in.at("amount_minor").integer(0, INT64_MAX);
  if (!m.started)
    return reject_event(p, s, e, "not_eligible", "a payment needs a membership_start first");
  if (amount != plan.fee_minor)
    return reject_event(p, s, e, "not_eligible",
                        "the payment must be the fee, " + std::to_string(plan.fee_minor),
                        "/amount_minor");
  const bool continues = m.until && (e.at < *m.until || in_grace(p, m, e.at));
  if (continues && m.paid) {
    ++m.periods;
  } else {
    const Timestamp from = continues ? *m.until : e.at;
    const LocalTime local = local_time(from, p.zone);
    m.anchor_day = local.day;
    m.anchor_second = local.second_of_day;
    m.periods = 1;
  }
  m.paid = true;
  m.cancelled = false;
  m.until = after_periods(p, m, m.periods);
  record(p, s, e,
         Explain::of("membership.paid")
             .arg("membership", plan.id)
             .arg("amount_minor", amount)
             .arg("until", format_timestamp(*m.until, p.zone)),
         amount);
}

void cancel(const Program& p, MemberState& s, const Event& e) {
  MembershipState& m = s.ledger.membership;
  if (!membership_on(p, m, e.at) || m.cancelled)
    return reject_event(p, s, e, "not_eligible", "there is no running membership to cancel");
  m.cancelled = true;
  record(p, s, e,
         Explain::of("membership.cancelled")
             .arg("membership", p.membership->id)
             .arg("until", format_timestamp(*m.until, p.zone)));
}

}  // namespace

void membership_event(const Program& p, MemberState& s, const Event& e) {
  const In in = e.in();
  if (e.type == "membership_payment")
    check_event_fields(in, {"amount_minor"});
  else
    check_event_fields(in, {});
  if (!p.membership) return reject_event(p, s, e, "not_eligible", "the program has no membership");
  if (e.type == "membership_start") return start(p, s, e);
  if (e.type == "membership_payment") return payment(p, s, e, in);
  cancel(p, s, e);
}

}  // namespace loyalty
