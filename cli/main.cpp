// The command-line door: `loyalty <operation> < request.json > response.json`.
// Exit 0 with a result, 1 with an error response, 2 on a usage error (spec/engine.md).
//
// `loyalty batch` answers many requests in one process (test suites, scripts that would
// otherwise start a process per request). Standard input holds frames, each a header line
// `<operation> <length>\n` followed by exactly <length> bytes of request; standard output gets,
// per frame and in order, `<status> <length>\n` and <length> bytes: what `loyalty <operation>`
// would print for that request (the response and its newline), and the exit status it would
// have (0, 1, or 2 for an unknown operation, with nothing printed). A header that is not
// `<operation> <length>`, or input that ends inside a frame, stops the batch with exit 2.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include "loyalty/loyalty.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: loyalty <operation> < request.json > response.json\n"
    "       loyalty batch < frames > answers\n"
    "operations: validate, replay, apply, advance, preview, catalog, metrics, simulate\n"
    "The request is read from standard input; the response (sorted keys, compact JSON)\n"
    "is written to standard output. Exit 0 with a result, 1 with an error response,\n"
    "2 on a usage error.\n"
    "batch: frames '<operation> <length>\\n' + <length> request bytes in, answers\n"
    "'<status> <length>\\n' + <length> response bytes (the response and a newline) out.\n";

// What `loyalty <operation>` prints for one request, and its exit status.
struct Answer {
  int status;
  std::string out;
};

Answer answer(std::string_view operation, std::string_view request) {
  if (!loyalty::is_operation(operation)) return {2, ""};
  std::string response = loyalty::call(operation, request);
  const int status = loyalty::is_error(response) ? 1 : 0;
  response += '\n';
  return {status, std::move(response)};
}

// Reads one frame header; false at the end of the input. Exits 2 on a malformed one.
bool read_header(std::string& operation, std::size_t& length) {
  std::string line;
  if (!std::getline(std::cin, line)) return false;
  const std::size_t space = line.rfind(' ');
  const std::string_view digits =
      space == std::string::npos ? std::string_view() : std::string_view(line).substr(space + 1);
  bool ok = !digits.empty() && digits.size() <= 12 && space > 0;
  length = 0;
  for (char c : digits) {
    ok = ok && c >= '0' && c <= '9';
    length = length * 10 + static_cast<std::size_t>(c - '0');
  }
  if (!ok) {
    std::cerr << "loyalty batch: expected a header '<operation> <length>', got '" << line << "'\n";
    std::exit(2);
  }
  operation = line.substr(0, space);
  return true;
}

int batch() {
  std::string operation, request;
  std::size_t length = 0;
  while (read_header(operation, length)) {
    request.resize(length);
    if (!std::cin.read(request.data(), static_cast<std::streamsize>(length))) {
      std::cerr << "loyalty batch: the input ends inside a " << length << "-byte request\n";
      return 2;
    }
    const Answer a = answer(operation, request);
    std::cout << a.status << ' ' << a.out.size() << '\n';
    std::cout.write(a.out.data(), static_cast<std::streamsize>(a.out.size()));
    std::cout.flush();  // a driver may wait for each answer before it writes the next frame
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  std::ios::sync_with_stdio(false);
  if (argc == 2 && std::string_view(argv[1]) == "batch") return batch();
  if (argc != 2 || !loyalty::is_operation(argv[1])) {
    std::cerr << (argc == 2 ? "loyalty: unknown operation '" + std::string(argv[1]) + "'\n" : "")
              << kUsage;
    return 2;
  }
  const std::string request{std::istreambuf_iterator<char>(std::cin),
                            std::istreambuf_iterator<char>()};
  const Answer a = answer(argv[1], request);
  std::fwrite(a.out.data(), 1, a.out.size(), stdout);
  return a.status;
}
