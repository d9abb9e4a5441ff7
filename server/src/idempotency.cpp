#include "idempotency.hpp"

#include "auth.hpp"

namespace srv {

std::string request_hash(const std::string& method, const std::string& path,
                         const std::string& principal, const std::string& body) {
  std::string material;
  material.reserve(method.size() + path.size() + principal.size() + body.size() + 3);
  material += method;
  material += '\n';
  material += path;
  material += '\n';
  material += principal;
  material += '\n';
  material += body;
  return sha256_hex(material);
}

IdemLookup idempotency_lookup(const std::optional<IdempotencyRow>& row, const std::string& hash) {
  IdemLookup r;
  if (!row) return r;
  if (row->request_hash != hash) {
    r.kind = IdemLookup::conflict;
    return r;
  }
  r.kind = IdemLookup::replay;
  r.status = row->status;
  r.response = row->response;
  r.history_end = row->history_end;
  r.history_len = row->history_len;
  return r;
}

// "c" + the principal's length, so no principal (member ids may hold any character) can end
// where another one's route begins; server keys start with "s".
std::string caller_key(const std::string& principal, const std::string& method,
                       const std::string& path, const std::string& key) {
  return "c" + std::to_string(principal.size()) + ":" + principal + " " + method + " " + path +
         " " + key;
}

std::string server_key(const std::string& purpose, const std::string& id) {
  return "s:" + purpose + " " + id;
}

bool valid_idempotency_key(const std::string& key) {
  if (key.empty() || key.size() > 255) return false;
  for (char c : key)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

}  // namespace srv
