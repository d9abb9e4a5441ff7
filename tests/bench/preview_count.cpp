// Runs the benchmark's typed 10-line preview (bench_fixtures.hpp) a given number of times, for
// instruction counts under callgrind (scripts/count-instructions.sh): on a shared machine
// timings vary from run to run, instruction counts not at all, so small changes to the rules'
// hot path are compared by these.
//   loyalty_preview_count <cart lines> <iterations>
#include <cstdio>
#include <cstdlib>

#include "bench_fixtures.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <cart lines> <iterations>\n", argv[0]);
    return 2;
  }
  const loyalty::bench::TypedPreview preview(std::atoi(argv[1]));
  const int iterations = std::atoi(argv[2]);
  long long points = 0;  // used, so the calls cannot be optimised away
  for (int i = 0; i < iterations; ++i) points += preview.run().points;
  std::printf("%lld\n", points);
}
