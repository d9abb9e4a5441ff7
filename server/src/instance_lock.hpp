// One server per database: an exclusive flock(2) on "<db>.lock", held for the life of the
// process (the kernel releases it when the process ends, SIGKILL included). A second server on
// the same file would serialise its writes with its own mutexes only and lose updates.
#pragma once
#include <string>

namespace srv {

class InstanceLock {
 public:
  // Throws std::runtime_error with a message naming the lock file when another process holds it.
  explicit InstanceLock(const std::string& db_path);
  ~InstanceLock();
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace srv
