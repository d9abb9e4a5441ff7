// A fast reader for the everyday subset of JSON requests, in front of nlohmann's parser.
//
// nlohmann's lexer reads ~95 MB/s, and its tree costs an allocation per member: half of a 10-line
// preview went into parsing its request. This reader builds a Document (document.hpp) with the
// values nlohmann's tree would hold (last duplicate key wins, integers without a sign unsigned,
// those with one signed) but accepts only documents it is sure about: no fractional numbers or
// exponents, no integers beyond 64 bits, no byte-order mark, strictly valid UTF-8 and escapes.
// Anything else, valid or not, makes it give up, and the caller parses the text again with
// nlohmann, so every accepted document parses to exactly what nlohmann gives and every other one
// keeps nlohmann's result or error message.
//
// Why not RapidJSON or simdjson: the WebAssembly module has ~3 KB of gzip budget left and must
// keep nlohmann's parser for its exact error messages; a second general parser (RapidJSON's
// number tables, simdjson's kernels) would not fit, and this subset needs a page of code.
#pragma once

#include <string_view>

#include "document.hpp"

namespace loyalty {

// True when `text` was read into `out`, a fresh Document; false means "ask nlohmann" (`out` is
// then unspecified: start again with a new Document).
// Documents nested deeper than `max_depth` are left to the caller too, so an accepted document
// is one that loyalty::nests_deeper_than(text, max_depth) passes: for valid JSON its count of
// brackets outside strings is the nesting depth.
bool parse_json_fast(std::string_view text, Document& out, int max_depth);

}  // namespace loyalty
