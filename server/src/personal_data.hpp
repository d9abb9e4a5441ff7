// What the server holds about a person, and how it is shown, exported, pseudonymised or erased
// (spec/sync.md, "Members' identifiers, profile and consent"): pure functions over stored JSON.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store.hpp"

namespace srv {

// The fields of an enrolment or a profile event that describe the person, not the rules' facts.
inline constexpr const char* kPersonalFields[] = {"name", "phone", "email", "birthday", "consent"};

// The member's profile as their events built it, oldest first: name, phone, email, birthday,
// consent per channel ({"given", "at"}), channel and referrer at enrolment, enrolled_at.
nlohmann::json profile_from_events(const std::vector<EventRow>& events);

// Every occurrence of `from` in `text` replaced by `to`.
std::string replace_all(std::string text, const std::string& from, const std::string& to);

// An event body without the person's fields (kPersonalFields), the member's id quoted in it
// replaced by the pseudonym's.
std::string scrub_event(const std::string& body, const std::string& member_id,
                        const std::string& pseudonym);
// A stored snapshot without the birthday, under the pseudonym.
std::string scrub_state(const std::string& state, const std::string& member_id,
                        const std::string& pseudonym);

// For the what-if simulator's sample: an event with every member id in it (its own, a referrer,
// a referee) replaced by `pseudonym_of(id)`, and without name, phone, email and consent (the
// birthday stays: birthday rules replay with it).
nlohmann::json sample_event(const std::string& body,
                            const std::function<std::string(const std::string&)>& pseudonym_of);

// A request path as the access log keeps it: a member's id in it ("/v1/members/{id}/…") and
// every query value (phones, emails) left out, so no log line names a person.
std::string loggable_target(const std::string& target);

}  // namespace srv
