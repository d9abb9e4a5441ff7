#include "http_message.hpp"

#include <algorithm>
#include <cctype>

namespace srv {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const std::pair<std::string, std::string>* find(const HeaderList& list, std::string_view name,
                                                bool any_case) {
  for (const auto& kv : list)
    if (any_case ? same_name(kv.first, name) : kv.first == name) return &kv;
  return nullptr;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool decode(std::string_view in, bool plus_is_space, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += plus_is_space && c == '+' ? ' ' : c;
    }
  }
  return true;
}

}  // namespace

bool Request::has_header(std::string_view name) const {
  return find(headers, name, true);
}
std::string Request::header(std::string_view name) const {
  const auto* kv = find(headers, name, true);
  return kv ? kv->second : std::string();
}
bool Request::has_param(std::string_view name) const {
  return find(params, name, false);
}
std::string Request::param(std::string_view name) const {
  const auto* kv = find(params, name, false);
  return kv ? kv->second : std::string();
}
bool Response::has_header(std::string_view name) const {
  return find(headers, name, true);
}

bool split_target(std::string_view target, std::string& path, HeaderList& params) {
  params.clear();
  const auto q = target.find('?');
  if (!decode(target.substr(0, q), false, path)) return false;
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string name, value;
    if (!decode(pair.substr(0, eq), true, name)) return false;
    if (eq != std::string_view::npos && !decode(pair.substr(eq + 1), true, value)) return false;
    params.emplace_back(std::move(name), std::move(value));
  }
  return true;
}

}  // namespace srv
