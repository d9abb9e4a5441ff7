#include "static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace srv {
namespace fs = std::filesystem;

std::string content_type_for(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".wasm", "application/wasm"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
      {".d.ts", "text/plain; charset=utf-8"},
  };
  const std::string ext = fs::path(path).extension().string();
  for (const auto& [e, type] : kTypes)
    if (ext == e) return type;
  return "application/octet-stream";
}

StaticFiles::StaticFiles(const std::string& root) {
  std::error_code ec;
  const fs::path canonical = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canonical, ec))
    throw std::runtime_error("--static " + root + " is not a directory");
  root_ = canonical.string();
}

std::optional<Response> StaticFiles::serve(const Request& req) const {
  if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
  const std::string& p = req.path;
  // The path is already percent-decoded: refuse what could climb out or confuse the file system.
  if (p.empty() || p[0] != '/' || p.find('\0') != std::string::npos ||
      p.find('\\') != std::string::npos)
    return std::nullopt;
  for (const auto& part : fs::path(p))
    if (part == "..") return std::nullopt;
  std::error_code ec;
  fs::path file = fs::path(root_) / fs::path(p).relative_path();
  if (fs::is_directory(file, ec)) file /= "index.html";
  // Symlinks may point anywhere: the resolved file must still be inside the root.
  const fs::path real = fs::canonical(file, ec);
  if (ec || !fs::is_regular_file(real, ec)) return std::nullopt;
  const std::string r = real.string();
  if (r.size() <= root_.size() || r.compare(0, root_.size(), root_) != 0 || r[root_.size()] != '/')
    return std::nullopt;
  std::ifstream in(real, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  Response res;
  res.body = bytes.str();
  res.content_type = content_type_for(r);
  res.head_only = req.method == "HEAD";
  return res;
}

}  // namespace srv
