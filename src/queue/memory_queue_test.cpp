#include "queue/memory_queue.h"
#include "queue/queue_contract.h"

namespace shortstack::queue {
namespace {

std::shared_ptr<Queue> make_memory(std::chrono::milliseconds ack_timeout) {
  return std::make_shared<MemoryQueue>(ack_timeout);
}

INSTANTIATE_TEST_SUITE_P(Embedded, QueueContract, ::testing::Values(QueueFactory{"memory", make_memory}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace shortstack::queue
