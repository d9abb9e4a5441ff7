// Members' identifiers (spec/sync.md, "Members' identifiers, profile and consent"): a phone in
// E.164 and an email as the server stores and looks them up, so "0987 654-321" and "+51 987654321"
// find the same member.
#pragma once

#include <optional>
#include <string>

namespace srv {

// Separators (spaces, dashes, dots, parentheses) stripped; "00" read as "+"; a number without its
// prefix loses one leading national "0" and takes `default_country`'s calling code (ISO 3166-1
// alpha-2; empty: none, and such a number is refused). 8 to 15 digits after the "+". Nullopt with
// `why` when it is not a phone number.
std::optional<std::string> normalize_phone(const std::string& raw,
                                           const std::string& default_country, std::string& why);

// Trimmed and lower-cased; one "@" with something on both sides, no spaces. Nullopt with `why`.
std::optional<std::string> normalize_email(const std::string& raw, std::string& why);

// The calling code of an ISO 3166-1 alpha-2 country ("PE" -> "51"); empty when unknown.
std::string calling_code(const std::string& country);

}  // namespace srv
