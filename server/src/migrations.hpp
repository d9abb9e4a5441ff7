// The schema, as versioned migrations both stores apply at start: each runs once, in its own
// transaction, recorded in schema_migrations(version, applied_at). One list, one SQL text per
// dialect, so the two stores cannot drift apart unnoticed (a migration lacking one is a bug).
#pragma once
#include <span>

namespace srv {

struct Migration {
  int version;
  const char* what;
  const char* sqlite;
  const char* postgres;
};

// Oldest first; versions 1, 2, 3, … without gaps.
std::span<const Migration> migrations();

// The table recording what ran (the same text in both dialects).
extern const char* const kMigrationsTable;

}  // namespace srv
