#include "text.hpp"

#include <cctype>

#include "program.hpp"

namespace loyalty {

bool language_tag(std::string_view tag) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= tag.size(); ++i) {
    if (i < tag.size() && tag[i] != '-') {
      if (!std::isalnum(static_cast<unsigned char>(tag[i]))) return false;
      if (start == 0 && !std::isalpha(static_cast<unsigned char>(tag[i]))) return false;
      continue;
    }
    const std::size_t len = i - start;
    if (len < 1 || len > 8) return false;
    start = i + 1;
  }
  return true;
}

namespace {

bool same_tag(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

Text parse_text(const In& in, const std::string& default_language, std::vector<Warning>* warnings) {
  if (in.v.is_string()) return in.string();
  if (!in.v.is_object())
    in.fail("expected a string or an object of language tags to strings, got " + type_name(in.v));
  const auto members = in.v.members();
  if (members.empty()) in.fail("must give the text in at least one language");
  bool has_default = false;
  for (const auto& [key, value] : members) {
    if (!language_tag(key))
      in.fail_at(key,
                 "\"" + std::string(key) + "\" is not a language tag like \"es\" or \"es-PE\"");
    in.member(value, key).string();
    has_default = has_default || same_tag(key, default_language);
  }
  if (!has_default && warnings)
    warnings->push_back({in.path(), "missing_default_language",
                         "no text in the default language \"" + default_language + "\""});
  return in.v.to_json();
}

Text parse_text(const In& in, std::string_view key, const std::string& fallback,
                const std::string& default_language, std::vector<Warning>* warnings) {
  if (auto t = in.find(key)) return parse_text(*t, default_language, warnings);
  return fallback;
}

std::vector<Text> parse_texts(const In& in, std::string_view key,
                              const std::string& default_language, std::vector<Warning>* warnings) {
  std::vector<Text> out;
  const auto list = in.find(key);
  if (!list) return out;
  const auto& arr = list->array();
  for (std::size_t i = 0; i < arr.size(); ++i)
    out.push_back(parse_text(list->at(i), default_language, warnings));
  return out;
}

namespace {

void parse_plural_forms(const In& in) {
  in.object({"one", "few", "many", "other"});
  in.at("one").string();
  in.at("other").string();
  for (const char* form : {"few", "many"})
    if (auto f = in.find(form)) f->string();
}

bool plural_form(std::string_view key) {
  return key == "one" || key == "few" || key == "many" || key == "other" || key == "two" ||
         key == "zero";
}

}  // namespace

json parse_points_label(const In& in) {
  if (!in.v.is_object()) in.fail("expected an object, got " + type_name(in.v));
  const auto members = in.v.members();
  const bool by_language = !members.empty() && !plural_form(members.front().key);
  if (!by_language) {
    parse_plural_forms(in);
    return in.v.to_json();
  }
  for (const auto& [key, value] : members) {
    if (!language_tag(key) || plural_form(key))
      in.fail_at(key, "expected plural forms (one, few, many, other) or language tags, got \"" +
                          std::string(key) + "\"");
    parse_plural_forms(in.member(value, key));
  }
  return in.v.to_json();
}

}  // namespace loyalty
