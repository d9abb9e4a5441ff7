#include "member_read.hpp"

#include <algorithm>
#include <charconv>

#include "bounds.hpp"
#include "json_write.hpp"
#include "ledger.hpp"
#include "membership.hpp"

namespace loyalty {
namespace {

void earliest(std::optional<Timestamp>& best, std::optional<Timestamp> t) {
  if (t && (!best || *t < *best)) best = t;
}

// Calendar tiers: bound_state keeps the contributions from the start of the period (or of the
// retained previous one) that holds the refund window's first instant. The first instant after
// the clock at which that start passes the oldest contribution kept.
std::optional<Timestamp> calendar_trim(const Program& p, const Ledger& l) {
  if (l.qualifying.empty()) return std::nullopt;
  const Tiers& tiers = *p.tiers;
  const i64 reach = p.refund_days * kDayMs;
  // The window's start enters year Y at year_start(Y), that is the clock at year_start(Y) +
  // reach; from then on the oldest kept is year_start(Y - 1) (retained) or year_start(Y).
  const int window_year = local_time(Timestamp{l.clock.ms - reach}, p.zone).year;
  const int oldest_year = local_time(l.qualifying.front().at, p.zone).year;
  const int year = std::max(window_year + 1, oldest_year + (tiers.retain_next_period ? 2 : 1));
  return Timestamp{year_start(year, p.zone).ms + reach};
}

// "<offset>:<length>:<ms subtracted from the instant>;" per marked string, in text order; the
// first is internal.clock.
struct Mark {
  std::size_t offset = 0, length = 0;
  i64 minus = 0;
};

void add_mark(std::string& marks, const Mark& m) {
  marks += std::to_string(m.offset) + ':' + std::to_string(m.length) + ':' +
           std::to_string(m.minus) + ';';
}

template <typename T>
bool read_number(std::string_view& s, char end, T& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || ptr == s.data() + s.size() || *ptr != end) return false;
  s.remove_prefix(static_cast<std::size_t>(ptr - s.data()) + 1);
  return true;
}

// An object member by member, each value written by `value(key, x)`.
template <typename Value>
void write_members(JsonWriter& w, const json& object, Value value) {
  w.begin_object();
  for (const auto& [key, x] : object.items()) value(key, x);
  w.end_object();
}

}  // namespace

std::optional<Timestamp> next_change(const Program& p, const Ledger& l) {
  std::optional<Timestamp> next;
  for (const auto& pend : l.pending) earliest(next, pend.available_at);
  earliest(next, next_expiry(p, l));
  for (const auto& v : l.vouchers) earliest(next, v.expires_at);
  earliest(next, membership_next_change(p, l.membership, l.clock));
  if (p.tiers) {
    switch (p.tiers->period) {
      case TierPeriodKind::lifetime:
        break;
      case TierPeriodKind::rolling_days:
        for (const auto& c : l.qualifying)
          earliest(next, Timestamp{c.at.ms + p.tiers->rolling_days * kDayMs});
        break;
      case TierPeriodKind::calendar_year:
        earliest(next, tier_periods(p, l.clock).end);
        earliest(next, calendar_trim(p, l));
        break;
    }
  }
  return next;
}

ReadyView ready_view(const Program& p, MemberState s) {
  if (s.ledger.clock.ms <= INT64_MIN / 4) fail("invalid_request", "", "the state has no clock");
  // What op_advance does at the state's own clock: settles what is due at it, trims the history.
  const std::size_t before = s.history.size();
  advance(p, s, s.ledger.clock);
  bound_state(p, s, s.history.size() - before, s.history.size() - before);
  const json state = state_to_json(s, p);

  ReadyView out;
  // The writer trims the text when it goes: it must go before `out` is returned.
  {
    JsonWriter w(out.view, 16 * 1024);
    const bool rolling = p.tiers && p.tiers->period == TierPeriodKind::rolling_days;
    // A marked string: where it starts in the text and how long it is, quotes included.
    auto marked = [&](const json& x, i64 minus) {
      const std::size_t at = w.finish().size();
      w.value(x);
      add_mark(out.marks, {at, w.finish().size() - at, minus});
    };
    // MemberDocument::view: everything but the orders and the seen ids.
    write_members(w, state, [&](const std::string& key, const json& x) {
      w.key(key);
      if (key == "internal") {
        write_members(w, x, [&](const std::string& k, const json& y) {
          if (k == "orders" || k == "seen") return;
          w.key(k);
          if (k == "clock")
            marked(y, 0);
          else
            w.value(y);
        });
      } else if (key == "tier" && rolling && x.is_object()) {
        write_members(w, x, [&](const std::string& k, const json& y) {
          w.key(k);
          if (k == "period_end")
            marked(y, 0);
          else if (k == "period_start")
            marked(y, p.tiers->rolling_days * kDayMs);
          else
            w.value(y);
        });
      } else {
        w.value(x);
      }
    });
  }
  out.until = next_change(p, s.ledger);
  return out;
}

std::optional<std::string> view_at(const Program& p, std::string_view view, std::string_view marks,
                                   Timestamp now) {
  Mark list[4];
  std::size_t count = 0, end = 0;
  while (!marks.empty()) {
    Mark m;
    if (count == std::size(list) || !read_number(marks, ':', m.offset) ||
        !read_number(marks, ':', m.length) || !read_number(marks, ';', m.minus))
      return std::nullopt;
    if (m.offset < end || m.length < 2 || m.offset + m.length > view.size() ||
        view[m.offset] != '"' || view[m.offset + m.length - 1] != '"')
      return std::nullopt;
    end = m.offset + m.length;
    list[count++] = m;
  }
  Timestamp clock;
  if (count == 0 || list[0].minus != 0 ||
      !parse_timestamp(view.substr(list[0].offset + 1, list[0].length - 2), clock))
    return std::nullopt;
  // Before the clock `advance` settles nothing (a refund may have left a rolling contribution
  // due at the clock itself): such a read is not this view's.
  if (now < clock) return std::nullopt;
  const Timestamp at = now;
  std::string out;
  out.reserve(view.size() + 16);
  std::size_t from = 0;
  for (std::size_t i = 0; i < count; ++i) {
    out.append(view.substr(from, list[i].offset - from));
    out += '"';
    out += format_timestamp(Timestamp{at.ms - list[i].minus}, p.zone);
    out += '"';
    from = list[i].offset + list[i].length;
  }
  out.append(view.substr(from));
  return out;
}

}  // namespace loyalty
