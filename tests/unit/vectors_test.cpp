// The shared vectors (tests/vectors/<operation>/<name>.request.json + .response.json): every
// door answers every request with exactly the bytes on file — loyalty::call, a loaded
// loyalty::Engine (the request minus its program) and the CLI binary.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "loyalty/loyalty.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Vector {
  std::string operation, name;
  fs::path request, response;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<Vector> all_vectors() {
  std::vector<Vector> out;
  const fs::path root = LOYALTY_VECTORS_DIR;
  if (!fs::exists(root)) return out;
  for (const auto& dir : fs::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(dir.path())) {
      const std::string file = f.path().filename().string();
      const std::string suffix = ".request.json";
      if (file.size() <= suffix.size() || !file.ends_with(suffix)) continue;
      const std::string name = file.substr(0, file.size() - suffix.size());
      out.push_back(
          {dir.path().filename().string(), name, f.path(), dir.path() / (name + ".response.json")});
    }
  }
  std::sort(out.begin(), out.end(), [](const Vector& a, const Vector& b) {
    return a.operation + "/" + a.name < b.operation + "/" + b.name;
  });
  return out;
}

// Runs the CLI on a request file; returns stdout and sets the exit status.
std::string run_cli(const std::string& operation, const fs::path& request, int& status) {
  const std::string cmd = std::string("'") + LOYALTY_CLI + "' " + operation + " < '" +
                          request.string() + "' 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) {
    status = -1;
    return "";
  }
  std::string out;
  char buf[65536];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int raw = pclose(pipe);
  status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

TEST(Vectors, ThereAreEnoughAndEveryOperationIsCovered) {
  const auto vectors = all_vectors();
  EXPECT_GE(vectors.size(), 30u);
  std::set<std::string> ops;
  for (const auto& v : vectors) {
    EXPECT_TRUE(loyalty::is_operation(v.operation)) << v.operation;
    EXPECT_TRUE(fs::exists(v.response)) << v.response;
    ops.insert(v.operation);
  }
  EXPECT_EQ(ops, (std::set<std::string>{"validate", "replay", "apply", "advance", "preview",
                                        "catalog", "metrics"}));
}

TEST(Vectors, ResponseFilesAreCompactSortedJsonWithOneNewline) {
  for (const auto& v : all_vectors()) {
    const std::string expected = slurp(v.response);
    ASSERT_FALSE(expected.empty()) << v.response;
    EXPECT_EQ(expected, json::parse(expected).dump() + "\n") << v.response;
  }
}

TEST(Vectors, CallAnswersTheBytesOnFile) {
  for (const auto& v : all_vectors()) {
    const std::string expected = slurp(v.response);
    EXPECT_EQ(loyalty::call(v.operation, slurp(v.request)) + "\n", expected)
        << v.operation << "/" << v.name;
  }
}

TEST(Vectors, EngineAnswersTheBytesOnFile) {
  const std::string minimal = R"({"schema":"loyalty-program/1","id":"t","currency":"PEN"})";
  for (const auto& v : all_vectors()) {
    const std::string expected = slurp(v.response);
    const std::string text = slurp(v.request);
    const json request = json::parse(text, nullptr, false);
    SCOPED_TRACE(v.operation + "/" + v.name);
    if (request.is_discarded() || !request.is_object() || !request.contains("program")) {
      // Not a request an Engine could split: it must still refuse it the same way.
      const loyalty::Engine engine(minimal);
      ASSERT_TRUE(engine.ok());
      EXPECT_EQ(engine.call(v.operation, text) + "\n", expected);
      continue;
    }
    const loyalty::Engine engine(request["program"].dump());
    if (!engine.ok()) {
      EXPECT_EQ(engine.error_json() + "\n", expected);
      continue;
    }
    json rest = request;
    rest.erase("program");
    EXPECT_EQ(engine.call(v.operation, rest.dump()) + "\n", expected);
  }
}

TEST(Vectors, CliAnswersTheBytesOnFileWithTheRightExitCode) {
  for (const auto& v : all_vectors()) {
    const std::string expected = slurp(v.response);
    int status = 0;
    const std::string out = run_cli(v.operation, v.request, status);
    EXPECT_EQ(out, expected) << v.operation << "/" << v.name;
    EXPECT_EQ(status, loyalty::is_error(expected) ? 1 : 0) << v.operation << "/" << v.name;
  }
}

TEST(Vectors, CliUsageErrorsExitTwo) {
  int status = 0;
  const fs::path any = fs::path(LOYALTY_VECTORS_DIR) / "validate" / "cafe-ok.request.json";
  EXPECT_EQ(run_cli("frobnicate", any, status), "");
  EXPECT_EQ(status, 2);
}

}  // namespace
