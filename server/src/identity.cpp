#include "identity.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace srv {
namespace {

// The ITU-T E.164 country codes of the countries this product's shops are in and their
// neighbours; a shop elsewhere asks for a line here (an unknown default_country refuses numbers
// without a prefix rather than guessing).
constexpr std::array<std::pair<const char*, const char*>, 40> kCallingCodes{{
    {"AR", "54"},  {"AT", "43"},  {"AU", "61"},  {"BE", "32"},  {"BG", "359"}, {"BO", "591"},
    {"BR", "55"},  {"CA", "1"},   {"CH", "41"},  {"CL", "56"},  {"CO", "57"},  {"CZ", "420"},
    {"DE", "49"},  {"DK", "45"},  {"EC", "593"}, {"ES", "34"},  {"FI", "358"}, {"FR", "33"},
    {"GB", "44"},  {"GR", "30"},  {"HU", "36"},  {"IE", "353"}, {"IT", "39"},  {"JP", "81"},
    {"MD", "373"}, {"MX", "52"},  {"NL", "31"},  {"NO", "47"},  {"PE", "51"},  {"PL", "48"},
    {"PT", "351"}, {"PY", "595"}, {"RO", "40"},  {"SE", "46"},  {"SK", "421"}, {"UA", "380"},
    {"US", "1"},   {"UY", "598"}, {"VE", "58"},  {"KR", "82"},
}};

bool separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

}  // namespace

std::string calling_code(const std::string& country) {
  for (const auto& [iso, code] : kCallingCodes)
    if (country == iso) return code;
  return "";
}

std::optional<std::string> normalize_phone(const std::string& raw,
                                           const std::string& default_country, std::string& why) {
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (separator(c)) continue;
    if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      digits += c;
    } else {
      why = "a phone number holds digits, an optional leading + and separators";
      return std::nullopt;
    }
  }
  if (!plus && digits.starts_with("00")) {
    plus = true;
    digits.erase(0, 2);
  }
  if (!plus) {
    const std::string code = calling_code(default_country);
    if (code.empty()) {
      why = default_country.empty()
                ? "start the number with + or 00 (the program has no default_country)"
                : "no calling code known for default_country " + default_country;
      return std::nullopt;
    }
    if (digits.starts_with("0")) digits.erase(0, 1);
    digits = code + digits;
  }
  if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0') {
    why = "an E.164 number has 8 to 15 digits after the +, the first not 0";
    return std::nullopt;
  }
  return "+" + digits;
}

std::optional<std::string> normalize_email(const std::string& raw, std::string& why) {
  const auto first = raw.find_first_not_of(" \t\r\n");
  const auto last = raw.find_last_not_of(" \t\r\n");
  std::string email = first == std::string::npos ? "" : raw.substr(first, last - first + 1);
  std::transform(email.begin(), email.end(), email.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto at = email.find('@');
  const bool ok = at != std::string::npos && at > 0 && at + 1 < email.size() &&
                  email.find('@', at + 1) == std::string::npos && email.size() <= 254 &&
                  std::none_of(email.begin(), email.end(),
                               [](unsigned char c) { return std::isspace(c) || c < 0x20; });
  if (!ok) {
    why = "expected an email address like name@example.com";
    return std::nullopt;
  }
  return email;
}

}  // namespace srv
