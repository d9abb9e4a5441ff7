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

TierStatus tier_at(const Program& program, const Ledger& ledger, Timestamp t, i64 extra) {
  TierStatus s;
  if (!program.tiers) return s;
  const Tiers& tiers = *program.tiers;
  const Timestamp after_t{t.ms + 1};
  const TierLevel* level = nullptr;
  switch (tiers.period) {
    case TierPeriodKind::lifetime:
      s.qualifying = add(sum_between(ledger.qualifying, Timestamp{INT64_MIN}, after_t), extra);
      level = &level_for(tiers, s.qualifying);
      break;
    case TierPeriodKind::calendar_year: {
      const int year = local_time(t, program.utc_offset).year;
      s.period_start = year_start(year, program.utc_offset);
      s.period_end = year_start(year + 1, program.utc_offset);
      s.qualifying = add(sum_between(ledger.qualifying, *s.period_start, after_t), extra);
      level = &level_for(tiers, s.qualifying);
      if (tiers.retain_next_period) {
        const TierLevel& held = level_for(
            tiers, sum_between(ledger.qualifying, year_start(year - 1, program.utc_offset),
                               *s.period_start));
        if (held.min > level->min) level = &held;
      }
      break;
    }
    case TierPeriodKind::rolling_days:
      s.period_start = Timestamp{t.ms - tiers.rolling_days * kDayMs};
      s.period_end = t;
      s.qualifying =
          add(sum_between(ledger.qualifying, Timestamp{s.period_start->ms + 1}, after_t), extra);
      level = &level_for(tiers, s.qualifying);
      break;
  }
  s.level = level;
  s.next = next_above(tiers, *level);
  if (s.next) s.remaining = s.next->min > s.qualifying ? s.next->min - s.qualifying : 0;
  return s;
}

std::string tier_id(const TierStatus& status) {
  return status.level ? status.level->id : "";
}

void add_contribution(const Program& program, Ledger& ledger, Timestamp at, i64 amount) {
  if (!program.tiers || amount == 0) return;
  Timestamp key = at;
  switch (program.tiers->period) {
    case TierPeriodKind::lifetime:
      key = Timestamp{0};
      break;
    case TierPeriodKind::calendar_year:
      key = year_start(local_time(at, program.utc_offset).year, program.utc_offset);
      break;
    case TierPeriodKind::rolling_days:
      break;
  }
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

}  // namespace loyalty
