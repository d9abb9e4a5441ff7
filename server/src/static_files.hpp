// Serving a folder at / (the demo shop, test pages): GET and HEAD only, paths confined to the
// folder (no "..", no symlink out of it), a directory answers its index.html, a content type by
// extension (application/wasm for the core).
#pragma once
#include <optional>
#include <string>

#include "http_message.hpp"

namespace srv {

class StaticFiles {
 public:
  // `root` must be a directory; throws std::runtime_error otherwise.
  explicit StaticFiles(const std::string& root);
  // The file for a GET/HEAD request, or nullopt when there is none (the caller answers 404).
  std::optional<Response> serve(const Request& req) const;

 private:
  std::string root_;  // canonical, without a trailing slash
};

// "text/html; charset=utf-8" for "x.html", ...; "application/octet-stream" when unknown.
std::string content_type_for(const std::string& path);

}  // namespace srv
