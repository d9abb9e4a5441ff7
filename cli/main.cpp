// The command-line door: `loyalty <operation> < request.json > response.json`.
// Exit 0 with a result, 1 with an error response, 2 on a usage error (spec/engine.md).
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include "loyalty/loyalty.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: loyalty <operation> < request.json > response.json\n"
    "operations: validate, replay, apply, advance, preview, catalog, metrics\n"
    "The request is read from standard input; the response (sorted keys, compact JSON)\n"
    "is written to standard output. Exit 0 with a result, 1 with an error response,\n"
    "2 on a usage error.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  if (argc != 2 || !loyalty::is_operation(argv[1])) {
    std::cerr << (argc == 2 ? "loyalty: unknown operation '" + std::string(argv[1]) + "'\n" : "")
              << kUsage;
    return 2;
  }
  std::ios::sync_with_stdio(false);
  const std::string request{std::istreambuf_iterator<char>(std::cin),
                            std::istreambuf_iterator<char>()};
  const std::string response = loyalty::call(argv[1], request);
  std::fwrite(response.data(), 1, response.size(), stdout);
  std::fputc('\n', stdout);
  return loyalty::is_error(response) ? 1 : 0;
}
