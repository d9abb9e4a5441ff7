// The SQL of the metrics' kept totals (store.hpp MetricsWrite), one text for both stores:
// written with PostgreSQL's $n, which SqliteStore reads as ?n (sqlite_sql). Upserts add deltas;
// readers add up the shards of a day.
#pragma once

#include <string>

namespace srv::metrics_sql {

constexpr int kShards = 8;

inline constexpr const char* kAddDaily =
    "INSERT INTO metrics_daily(day, key, shard, value) VALUES ($1,$2,$3,$4) "
    "ON CONFLICT (day, key, shard) DO UPDATE SET value = metrics_daily.value + excluded.value";

inline constexpr const char* kAddMemberDay =
    "INSERT INTO metrics_member_days(member_id, day, orders, points, last_order_ms) "
    "VALUES ($1,$2,$3,$4,$5) ON CONFLICT (member_id, day) DO UPDATE SET "
    "orders = metrics_member_days.orders + excluded.orders, "
    "points = metrics_member_days.points + excluded.points, "
    "last_order_ms = CASE WHEN metrics_member_days.last_order_ms IS NULL OR "
    "excluded.last_order_ms > metrics_member_days.last_order_ms THEN excluded.last_order_ms "
    "ELSE metrics_member_days.last_order_ms END";

// The first enrolment counts (an earlier one, written later, replaces it).
inline constexpr const char* kEnrolled =
    "INSERT INTO metrics_members(member_id, enrolled_ms, channel) VALUES ($1,$2,$3) "
    "ON CONFLICT (member_id) DO UPDATE SET enrolled_ms = excluded.enrolled_ms, "
    "channel = excluded.channel WHERE excluded.enrolled_ms < metrics_members.enrolled_ms";

inline constexpr const char* kAddMark =
    "INSERT INTO metrics_marks(member_id, history_id, at_ms, kind, value) VALUES ($1,$2,$3,$4,$5) "
    "ON CONFLICT (member_id, history_id) DO NOTHING";

inline constexpr const char* kSums =
    "SELECT key, COALESCE(SUM(value), 0) FROM metrics_daily WHERE day >= $1 AND day < $2 "
    "GROUP BY key ORDER BY key";

inline constexpr const char* kDays =
    "SELECT day, key, COALESCE(SUM(value), 0) FROM metrics_daily WHERE day >= $1 AND day < $2 "
    "GROUP BY day, key ORDER BY day, key";

// $1 from_ms, $2 until_ms, $3 cutoff_ms.
inline constexpr const char* kEnrolments =
    "SELECT COALESCE(SUM(CASE WHEN enrolled_ms < $1 THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN enrolled_ms >= $1 AND enrolled_ms < $2 THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN enrolled_ms < $3 THEN 1 ELSE 0 END), 0) FROM metrics_members";

// One pass over the members' days before until: each member's orders in the window, whether they
// ordered at or after the churn cutoff, and their balance at until. $1 from_day, $2 until_day,
// $3 cutoff_day, $4 cutoff_ms, $5 until_ms, $6 heavy_min, $7 medium_min.
inline constexpr const char* kMemberFigures =
    "SELECT COALESCE(SUM(CASE WHEN x.o > 0 THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN m.enrolled_ms < $5 AND x.o >= $6 THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN m.enrolled_ms < $5 AND x.o >= $7 AND x.o < $6 THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN m.enrolled_ms < $4 AND x.recent > 0 THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN x.balance > 0 THEN x.balance ELSE 0 END), 0) "
    "FROM (SELECT member_id, SUM(CASE WHEN day >= $1 THEN orders ELSE 0 END) AS o, "
    "SUM(points) AS balance, SUM(CASE WHEN orders > 0 AND (day > $3 OR (day = $3 AND "
    "last_order_ms >= $4)) THEN 1 ELSE 0 END) AS recent "
    "FROM metrics_member_days WHERE day < $2 GROUP BY member_id) x "
    "LEFT JOIN metrics_members m ON m.member_id = x.member_id";

// $1 kind, $2 until_ms.
inline constexpr const char* kMarks =
    "SELECT k.member_id, k.value FROM metrics_marks k JOIN metrics_members m "
    "ON m.member_id = k.member_id WHERE k.kind = $1 AND k.at_ms < $2 AND m.enrolled_ms < $2 "
    "ORDER BY k.member_id, k.history_id";

inline const char* const kErasure[] = {
    "UPDATE metrics_members SET member_id = $2 WHERE member_id = $1",
    "UPDATE metrics_member_days SET member_id = $2 WHERE member_id = $1",
    "UPDATE metrics_marks SET member_id = $2, value = replace(value, $3, $4) WHERE member_id = $1",
};

// The shard of a member's per-day rows: only spreads the writers (readers sum every shard).
inline int shard_of(const std::string& member_id) {
  unsigned h = 2166136261u;  // FNV-1a
  for (unsigned char c : member_id) h = (h ^ c) * 16777619u;
  return static_cast<int>(h % kShards);
}

}  // namespace srv::metrics_sql
