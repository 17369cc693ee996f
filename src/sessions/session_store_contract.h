#pragma once
#include "sessions/session_store.h"
#include "testing/contract.h"

namespace shortstack::sessions {

// Session rows reference users, so a factory returns the store plus a way to make a user id.
struct SessionBackend {
  std::shared_ptr<SessionStore> store;
  std::function<int64_t()> make_user;
};
struct SessionStoreFactory {
  std::string name;
  std::function<SessionBackend()> make;
};
inline void PrintTo(const SessionStoreFactory& f, std::ostream* os) { *os << f.name; }

class SessionStoreContract : public ::testing::TestWithParam<SessionStoreFactory> {
 protected:
  void SetUp() override { backend = GetParam().make(); }
  SessionBackend backend;
};

}  // namespace shortstack::sessions
