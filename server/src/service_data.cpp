// Data protection and the simulator's sample (spec/sync.md, "Members' identifiers, profile and
// consent"; issue 21's what-if simulator): an export of everything held about a member, an
// erasure that keeps the ledger under a pseudonym, and a pseudonymised sample of ledgers.
#include <algorithm>
#include <random>

#include "auth.hpp"
#include "clock.hpp"
#include "personal_data.hpp"
#include "service.hpp"

namespace srv {

using nlohmann::json;

namespace {

// A pseudonym no one can derive from the member's id: 16 random hex digits.
std::string new_pseudonym() {
  std::random_device device;
  static const char* kHex = "0123456789abcdef";
  std::string out = "erased-";
  for (int i = 0; i < 16; ++i) out += kHex[device() % 16];
  return out;
}

// The same for every page of one sample (a referral stays a referral), and not the member's id.
std::string sample_pseudonym(std::uint64_t seed, const std::string& member_id) {
  return "anon-" +
         sha256_hex("ledger-sample:" + std::to_string(seed) + ":" + member_id).substr(0, 12);
}

// Fisher-Yates with mt19937_64, whose sequence the standard fixes: a seed draws the same sample
// on every instance.
std::vector<std::string> shuffled(std::vector<std::string> ids, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  for (std::size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[random() % i]);
  return ids;
}

}  // namespace

std::vector<EventRow> Service::all_events(const std::string& member_id) {
  std::vector<EventRow> out;
  for (std::int64_t after = 0;;) {
    auto page = store_.events(member_id, after, 1000);
    if (page.empty()) return out;
    after = page.back().seq;
    out.insert(out.end(), std::make_move_iterator(page.begin()),
               std::make_move_iterator(page.end()));
  }
}

Reply Service::export_member(const std::string& member_id) {
  const Reply member = get_member(member_id);
  if (member.status != 200) return member;
  const auto events = all_events(member_id);
  json out = {{"member_id", member_id},
              {"exported_at", now_rfc3339()},
              {"profile", profile_from_events(events)},
              {"identifiers", json::object()},
              {"member", json::parse(member.body)},
              {"ledger", json::array()},
              {"history", json::array()},
              {"webhooks", json::array()},
              {"data_requests", json::array()}};
  for (const auto& [kind, value] : store_.identifiers_of(member_id))
    out["identifiers"][kind] = value;
  for (const auto& e : events)
    out["ledger"].push_back({{"seq", e.seq},
                             {"type", e.type},
                             {"at", e.at},
                             {"program_version", e.program_version},
                             {"event", json::parse(e.body, nullptr, false)}});
  std::vector<json> history;  // newest pages first, read back to front
  for (std::int64_t before = INT64_MAX;;) {
    const auto page = store_.history_before(member_id, before, 1000);
    if (page.empty()) break;
    before = page.front().id;
    for (auto it = page.rbegin(); it != page.rend(); ++it)
      history.push_back(json::parse(it->entry, nullptr, false));
  }
  out["history"] = json(std::vector<json>(history.rbegin(), history.rend()));
  for (const auto& w : store_.webhooks_about(member_id))
    out["webhooks"].push_back({{"id", w.id},
                               {"url", w.url},
                               {"created_ms", w.created_ms},
                               {"attempts", w.attempts},
                               {"body", json::parse(w.body, nullptr, false)}});
  const std::int64_t now = now_ms();
  store_.record_data_request(member_id, {"export", now, json{{"events", events.size()}}.dump()});
  for (const auto& r : store_.data_requests(member_id))
    out["data_requests"].push_back({{"kind", r.kind},
                                    {"at", format_utc(r.at_ms)},
                                    {"detail", json::parse(r.detail, nullptr, false)}});
  return {200, out.dump(), ""};
}

Reply Service::erase_member(const std::string& member_id, const WriteKey& k) {
  if (auto used = answer_for_used_key(k)) return *used;
  auto txn = store_.begin_write(member_id);
  if (auto used = answer_for_used_key(k, txn.get())) return *used;
  const auto snapshot = txn->member_snapshot(member_id);
  if (!snapshot) return error_reply(404, "unknown_member", "no member " + member_id);
  Erasure e;
  e.member_id = member_id;
  e.pseudonym = new_pseudonym();
  e.at_ms = now_ms();
  e.state = scrub_state(snapshot->state, member_id, e.pseudonym);
  const auto events = all_events(member_id);
  for (const auto& row : events)
    if (row.type == "enroll" || row.type == "profile")
      e.events.emplace_back(row.seq, scrub_event(row.body, member_id, e.pseudonym));
  const json answer = {{"pseudonym", e.pseudonym},
                       {"erased_at", format_utc(e.at_ms)},
                       {"events_kept", events.size()},
                       {"fields", kPersonalFields}};
  e.record = answer.dump();
  e.idem_key = k.key;
  e.idem_hash = k.hash;
  e.idem_status = 200;
  e.idem_response = answer.dump();
  std::string error;
  const CommitResult done = txn->erase(e, error);
  txn.reset();
  if (done == CommitResult::idempotency_conflict) {
    if (auto again = answer_for_used_key(k)) return *again;
    return error_reply(409, "idempotency_conflict",
                       "this Idempotency-Key was used with another request");
  }
  if (done != CommitResult::ok) return error_reply(500, "storage_error", error);
  // Other members' rows that quote the id (a referrer's, a referee's), each under its own lock.
  for (const auto& other : store_.members_mentioning(member_id, e.pseudonym))
    store_.begin_write(other)->replace_mentions(other, member_id, e.pseudonym, error);
  return {200, answer.dump(), ""};
}

Reply Service::ledger_sample(std::int64_t size, std::uint64_t seed, std::int64_t page) {
  const std::vector<std::string> ids = store_.member_ids();
  const auto total = static_cast<std::int64_t>(ids.size());
  const std::int64_t taken = std::min(size, total);
  const std::int64_t pages = (taken + kSamplePage - 1) / kSamplePage;
  const std::vector<std::string> order = shuffled(ids, seed);
  json members = json::array();
  const auto pseudonym_of = [seed](const std::string& id) { return sample_pseudonym(seed, id); };
  for (std::int64_t i = page * kSamplePage; i < std::min(taken, (page + 1) * kSamplePage); ++i) {
    json events = json::array();
    for (const auto& e : all_events(order[i])) events.push_back(sample_event(e.body, pseudonym_of));
    members.push_back({{"id", pseudonym_of(order[i])}, {"events", std::move(events)}});
  }
  const json out = {{"program_version", program().version},
                    {"total_members", total},
                    {"size", taken},
                    {"seed", seed},
                    {"page", page},
                    {"pages", pages},
                    {"next_page", page + 1 < pages ? json(page + 1) : json()},
                    {"members", std::move(members)}};
  return {200, out.dump(), ""};
}

}  // namespace srv
