// The shared vectors (tests/vectors/<operation>/<name>.request.json + .response.json): every
// door answers every request with exactly the bytes on file — loyalty::call, a loaded
// loyalty::Engine (the request minus its program) and the CLI binary, in one process per request
// and in batch mode (`loyalty batch`, all of them through one process).
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
#include <unistd.h>

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

std::string run_cli_text(const std::string& operation, const std::string& request, int& status) {
  const fs::path file = fs::temp_directory_path() / ("loyalty-cli-" + std::to_string(getpid()));
  std::ofstream(file, std::ios::binary) << request;
  std::string out = run_cli(operation, file, status);
  fs::remove(file);
  return out;
}

struct BatchAnswer {
  int status;
  std::string out;
};

// `loyalty batch` over frames written to a file; the answers in order, and its own exit status.
std::vector<BatchAnswer> run_batch(const std::string& frames, int& status) {
  const fs::path file = fs::temp_directory_path() / ("loyalty-batch-" + std::to_string(getpid()));
  std::ofstream(file, std::ios::binary) << frames;
  int ignored = 0;
  const std::string out = run_cli("batch", file, ignored);
  fs::remove(file);
  status = ignored;
  std::vector<BatchAnswer> answers;
  std::size_t at = 0;
  while (at < out.size()) {
    const std::size_t eol = out.find('\n', at);
    if (eol == std::string::npos) break;
    std::istringstream header(out.substr(at, eol - at));
    BatchAnswer a{};
    std::size_t length = 0;
    header >> a.status >> length;
    a.out = out.substr(eol + 1, length);
    at = eol + 1 + length;
    answers.push_back(std::move(a));
  }
  return answers;
}

std::string frame(const std::string& operation, const std::string& request) {
  return operation + " " + std::to_string(request.size()) + "\n" + request;
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

// Every vector through one `loyalty batch` process.
TEST(Vectors, CliBatchAnswersTheBytesOnFileWithTheRightStatus) {
  const auto all = all_vectors();
  std::string frames;
  for (const auto& v : all) frames += frame(v.operation, slurp(v.request));
  int status = -1;
  const auto answers = run_batch(frames, status);
  EXPECT_EQ(status, 0);
  ASSERT_EQ(answers.size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string expected = slurp(all[i].response);
    EXPECT_EQ(answers[i].out, expected) << all[i].operation << "/" << all[i].name;
    EXPECT_EQ(answers[i].status, loyalty::is_error(expected) ? 1 : 0) << all[i].name;
  }
}

// The one-request path: a result (exit 0) and an error (exit 1) of each operation's vectors.
TEST(Vectors, CliAnswersTheBytesOnFileWithTheRightExitCode) {
  std::set<std::pair<std::string, int>> seen;
  for (const auto& v : all_vectors()) {
    const std::string expected = slurp(v.response);
    const int want = loyalty::is_error(expected) ? 1 : 0;
    if (!seen.insert({v.operation, want}).second) continue;
    int status = 0;
    const std::string out = run_cli(v.operation, v.request, status);
    EXPECT_EQ(out, expected) << v.operation << "/" << v.name;
    EXPECT_EQ(status, want) << v.operation << "/" << v.name;
  }
  EXPECT_GE(seen.size(), 8u);
}

TEST(Vectors, CliUsageErrorsExitTwo) {
  int status = 0;
  const fs::path any = fs::path(LOYALTY_VECTORS_DIR) / "validate" / "cafe-ok.request.json";
  EXPECT_EQ(run_cli("frobnicate", any, status), "");
  EXPECT_EQ(status, 2);
}

// Found by an external JSON conformance suite: a request followed by a NUL byte was answered.
// The CLI refuses it as the other doors do (invalid_json, exit 1), alone and in a batch.
TEST(Vectors, CliRefusesARequestFollowedByANulByte) {
  const std::string request =
      slurp(fs::path(LOYALTY_VECTORS_DIR) / "validate" / "cafe-ok.request.json");
  const std::string body = request.substr(0, request.find_last_not_of(" \n") + 1);
  for (const std::string& text : {body + std::string(1, '\0'), std::string("123") + '\0'}) {
    int status = 0;
    const json out = json::parse(run_cli_text("validate", text, status));
    EXPECT_EQ(status, 1);
    EXPECT_EQ(out["error"]["code"], "invalid_json") << out.dump();
  }
  int status = 0;
  EXPECT_EQ(run_cli_text("validate", body, status).rfind("{\"error\"", 0), std::string::npos);
  EXPECT_EQ(status, 0);
  const auto answers = run_batch(frame("validate", body + std::string(1, '\0')), status);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 1);
  EXPECT_EQ(json::parse(answers[0].out)["error"]["code"], "invalid_json");
}

TEST(Vectors, CliBatchFramesUnknownOperationsAndStopsOnABadHeader) {
  int status = -1;
  auto answers = run_batch(frame("frobnicate", "{}") + frame("validate", "{\n}"), status);
  EXPECT_EQ(status, 0);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].status, 2);
  EXPECT_EQ(answers[0].out, "");
  EXPECT_EQ(answers[1].status, 1);  // no program: an error answer, and the batch goes on
  EXPECT_EQ(json::parse(answers[1].out)["error"]["path"], "/program");
  answers = run_batch(frame("validate", "{}") + "no length here\n{}", status);
  EXPECT_EQ(status, 2);
  EXPECT_EQ(answers.size(), 1u);
  answers = run_batch("validate 10\n{}", status);  // ends inside the request
  EXPECT_EQ(status, 2);
  EXPECT_TRUE(answers.empty());
}

}  // namespace
