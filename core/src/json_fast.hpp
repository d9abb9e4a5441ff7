// The core's one JSON reader: every request and program document goes through it
// (docs/decisions.md, "One JSON reading path").
//
// It builds a Document (document.hpp) holding the values nlohmann's parser would give for the same
// text — last duplicate key wins, integers without a sign unsigned, those with a sign signed,
// integers beyond 64 bits and numbers with a fraction or an exponent as the double strtod gives —
// and it refuses what nlohmann refuses, with its own message: what is wrong, and where (line,
// column, byte). tests/fuzz/fuzz_json.cpp holds it to that against nlohmann on fuzzed bytes.
// Two deliberate differences from nlohmann: a NUL byte anywhere outside a string's escapes is an
// error (nlohmann takes a NUL between tokens for the end of the input, so `{}\0` would pass), and
// nesting beyond `max_depth` is the `too_large` error (nlohmann has no limit).
//
// Why its own reader rather than nlohmann's: nlohmann's lexer is slow and its tree costs an
// allocation per member, which made reading the request a large share of a preview
// (docs/performance.md), and its parser would be a second copy of JSON reading in the WebAssembly
// module. Why not RapidJSON or simdjson: the module's size budget; this grammar needs a page of
// code.
#pragma once

#include <string_view>

#include "document.hpp"
#include "error.hpp"

namespace loyalty {

// The deepest nesting read_json accepts whatever max_depth asks for: the reader recurses, one
// stack frame per level.
constexpr int kMaxReadDepth = 512;

// Reads `text` into `out`, a fresh Document. False on any error, and `error` then says what:
// `invalid_json` (the text is not JSON: message with line, column and byte), `too_large` (nested
// deeper than max_depth), or `overflow` (a number beyond what a double holds). The path is "".
// A leading UTF-8 byte-order mark is skipped, as nlohmann does.
bool read_json(std::string_view text, Document& out, int max_depth, Error& error);

}  // namespace loyalty
