// Errors inside the core. They are thrown as `Failure` where they are found (deep in a parser or
// an overflowing multiplication) and caught once, at the JSON door, which turns them into the
// spec's error object. No Failure ever leaves the core.
#pragma once

#include <stdexcept>
#include <string>

namespace loyalty {

struct Error {
  std::string code;     // e.g. "invalid_program", "overflow"
  std::string path;     // JSON pointer of the offending input, "" for the whole document
  std::string message;  // for developers, in English
};

class Failure : public std::exception {
 public:
  explicit Failure(Error error) : error_(std::move(error)) {}
  const Error& error() const { return error_; }
  const char* what() const noexcept override { return error_.message.c_str(); }

 private:
  Error error_;
};

[[noreturn]] inline void fail(std::string code, std::string path, std::string message) {
  throw Failure(Error{std::move(code), std::move(path), std::move(message)});
}

}  // namespace loyalty
