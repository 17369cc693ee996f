#pragma once
#include "queue/queue.h"
#include "testing/contract.h"

namespace shortstack::queue {

// The factory takes the ack timeout so redelivery can be tested quickly.
struct QueueFactory {
  std::string name;
  std::function<std::shared_ptr<Queue>(std::chrono::milliseconds ack_timeout)> make;
};
inline void PrintTo(const QueueFactory& f, std::ostream* os) { *os << f.name; }

class QueueContract : public ::testing::TestWithParam<QueueFactory> {
 protected:
  std::shared_ptr<Queue> make(std::chrono::milliseconds ack_timeout = std::chrono::seconds(30)) {
    return GetParam().make(ack_timeout);
  }
};

}  // namespace shortstack::queue
