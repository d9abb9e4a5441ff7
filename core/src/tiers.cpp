#include "tiers.hpp"

namespace loyalty {

const TierLevel& level_for(const Tiers& tiers, i64 value) {
  const TierLevel* best = &tiers.levels.front();
  for (const auto& l : tiers.levels)
    if (value >= l.min) best = &l;
  return *best;
}

namespace {

i64 sum_between(const std::vector<Contribution>& list, Timestamp from, Timestamp until) {
  i64 total = 0;
  for (const auto& c : list)
    if (c.at >= from && c.at < until) total = add(total, c.amount);
  return total;
}

const TierLevel* next_above(const Tiers& tiers, const TierLevel& level) {
  for (const auto& l : tiers.levels)
    if (l.min > level.min) return &l;
  return nullptr;
}

}  // namespace

TierPeriods tier_periods(const Program& program, Timestamp t) {
  TierPeriods w;
  w.from = Timestamp{INT64_MIN};
  w.until = Timestamp{t.ms + 1};
  w.key = t;
  if (!program.tiers) return w;
  const Tiers& tiers = *program.tiers;
  switch (tiers.period) {
    case TierPeriodKind::lifetime:
      w.key = Timestamp{0};
      break;
    case TierPeriodKind::calendar_year: {
      const int year = local_time(t, program.zone).year;
      w.start = year_start(year, program.zone);
      w.end = year_start(year + 1, program.zone);
      w.from = w.key = *w.start;
      if (tiers.retain_next_period) w.held_from = year_start(year - 1, program.zone);
      break;
    }
    case TierPeriodKind::rolling_days:
      w.start = Timestamp{t.ms - tiers.rolling_days * kDayMs};
      w.end = t;
      w.from = Timestamp{w.start->ms + 1};
      break;
  }
  return w;
}

TierStatus tier_at(const Program& program, const Ledger& ledger, const TierPeriods& w, i64 extra) {
  TierStatus s;
  if (!program.tiers) return s;
  const Tiers& tiers = *program.tiers;
  s.period_start = w.start;
  s.period_end = w.end;
  s.qualifying = add(sum_between(ledger.qualifying, w.from, w.until), extra);
  const TierLevel* level = &level_for(tiers, s.qualifying);
  if (w.held_from) {
    const TierLevel& held = level_for(tiers, sum_between(ledger.qualifying, *w.held_from, w.from));
    if (held.min > level->min) level = &held;
  }
  s.level = level;
  s.next = next_above(tiers, *level);
  if (s.next) s.remaining = s.next->min > s.qualifying ? s.next->min - s.qualifying : 0;
  return s;
}

TierStatus tier_at(const Program& program, const Ledger& ledger, Timestamp t, i64 extra) {
  return tier_at(program, ledger, tier_periods(program, t), extra);
}

std::string tier_id(const TierStatus& status) {
  return status.level ? status.level->id : "";
}

namespace {

// Rolling window: contributions leave it `rolling_days` after they were made; the level holds
// until the first departure that takes the value under its minimum.
std::optional<Timestamp> rolling_holds_until(const Tiers& tiers, const Ledger& ledger,
                                             const TierPeriods& w, const TierStatus& s) {
  i64 value = s.qualifying;
  for (const auto& c : ledger.qualifying) {
    if (c.at < w.from || c.at >= w.until) continue;
    value = sub(value, c.amount);
    if (level_for(tiers, value).min < s.level->min)
      return Timestamp{c.at.ms + tiers.rolling_days * kDayMs};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Timestamp> tier_holds_until(const Program& program, const Ledger& ledger,
                                          Timestamp t) {
  if (!program.tiers) return std::nullopt;
  const Tiers& tiers = *program.tiers;
  const TierPeriods w = tier_periods(program, t);
  const TierStatus s = tier_at(program, ledger, w);
  if (s.level->min <= tiers.levels.front().min) return std::nullopt;  // the lowest is never lost
  switch (tiers.period) {
    case TierPeriodKind::lifetime:
      return std::nullopt;
    case TierPeriodKind::calendar_year: {
      if (!tiers.retain_next_period) return w.end;
      // Reached (or confirmed) this year: held through the next; held from last year only: to
      // the end of this one.
      const bool reached_now = level_for(tiers, s.qualifying).min >= s.level->min;
      if (!reached_now) return w.end;
      return year_start(local_time(t, program.zone).year + 2, program.zone);
    }
    case TierPeriodKind::rolling_days:
      return rolling_holds_until(tiers, ledger, w, s);
  }
  return std::nullopt;
}

void add_contribution(const Program& program, Ledger& ledger, const TierPeriods& periods,
                      i64 amount) {
  if (!program.tiers || amount == 0) return;
  const Timestamp key = periods.key;
  for (auto& c : ledger.qualifying) {
    if (c.at == key) {
      c.amount = add(c.amount, amount);
      return;
    }
  }
  auto pos = ledger.qualifying.begin();
  while (pos != ledger.qualifying.end() && pos->at < key) ++pos;
  ledger.qualifying.insert(pos, Contribution{key, amount});
}

void add_contribution(const Program& program, Ledger& ledger, Timestamp at, i64 amount) {
  add_contribution(program, ledger, tier_periods(program, at), amount);
}

}  // namespace loyalty
