// Shopper-facing text of the program document (program.md, "Names in several languages"): a
// string, or an object of language tags to strings. The engine copies it through unchanged; the
// widget picks the shopper's language.
#pragma once

#include <string>
#include <vector>

#include "json_read.hpp"

namespace loyalty {

struct Warning;

using Text = json;  // a string or {"en": "…", "es": "…"}

// Reads a name or free text at `in`. `default_language` is the program's; an object without it
// adds a warning (the last fallback, the first key in code-point order, is rarely what was meant).
Text parse_text(const In& in, const std::string& default_language, std::vector<Warning>* warnings);
// The member `key` when present, else `fallback` (a plain string, e.g. the id).
Text parse_text(const In& in, std::string_view key, const std::string& fallback,
                const std::string& default_language, std::vector<Warning>* warnings);
std::vector<Text> parse_texts(const In& in, std::string_view key,
                              const std::string& default_language, std::vector<Warning>* warnings);

// `points_label`: plural forms {"one","few","many","other"} (one and other required), or an
// object of language tags to such forms.
json parse_points_label(const In& in);

// A BCP 47 tag as far as the widget needs it: subtags of 1–8 letters or digits, the first letters.
bool language_tag(std::string_view tag);

}  // namespace loyalty
