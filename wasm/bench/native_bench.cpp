// The native side of wasm/bench/bench.mjs: the same requests through the C++ JSON door
// (loyalty::Engine::call and loyalty::call), median time per call. Reads the requests written by
// bench.mjs: native_bench <program.json> <preview-request.json> [iterations]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "loyalty/loyalty.hpp"

namespace {

std::string slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

template <class F>
double median_us(int iterations, F&& f) {
  std::vector<double> t;
  t.reserve(iterations);
  for (int i = 0; i < iterations; ++i) {
    const auto a = std::chrono::steady_clock::now();
    f();
    const auto b = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::micro>(b - a).count());
  }
  std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: native_bench program.json preview-request.json [iterations]\n");
    return 2;
  }
  const std::string program = slurp(argv[1]);
  const std::string request = slurp(argv[2]);
  const int iterations = argc > 3 ? std::atoi(argv[3]) : 2000;
  const std::string one_shot = "{\"program\":" + program + "," + request.substr(1);

  volatile std::size_t sink = 0;
  const double load = median_us(200, [&] { sink = sink + loyalty::Engine(program).ok(); });
  const loyalty::Engine engine(program);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", engine.error_json().c_str());
    return 1;
  }
  const std::string answer = engine.call("preview", request);
  if (loyalty::is_error(answer)) {
    std::fprintf(stderr, "%s\n", answer.c_str());
    return 1;
  }
  for (int i = 0; i < 100; ++i) sink = sink + engine.call("preview", request).size();
  const double preview =
      median_us(iterations, [&] { sink = sink + engine.call("preview", request).size(); });
  const double call = median_us(iterations / 4 + 1,
                                [&] { sink = sink + loyalty::call("preview", one_shot).size(); });
  std::printf(
      "{\"engine_load_us\":%.2f,\"engine_preview_us\":%.2f,\"call_preview_us\":%.2f,\"response_"
      "bytes\":%zu}\n",
      load, preview, call, answer.size());
  return 0;
}
