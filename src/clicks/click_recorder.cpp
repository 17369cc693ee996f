#include "clicks/click_recorder.h"

#include "core/crypto.h"
#include "log/log.h"
#include "metrics/metrics.h"

namespace shortstack::clicks {

ClickRecorder::ClickRecorder(std::shared_ptr<queue::Queue> queue, size_t loops)
    : queue_(std::move(queue)), instance_id_(hex(random_bytes(8))), buffers_(loops) {}

void ClickRecorder::flush(size_t loop) {
  Buffer& b = buffers_[loop];
  if (!b.events.empty()) {
    ClickBatch batch{instance_id_ + "-" + std::to_string(sequence_.fetch_add(1)), std::move(b.events)};
    b.events.clear();
    metrics::registry().clicks_recorded.inc(batch.events.size());
    b.unpublished.push_back(encode_batch(batch));
  }
  // Keep order and keep the ids: a batch that failed to publish goes again with the same id.
  size_t done = 0;
  for (; done < b.unpublished.size(); ++done) {
    if (auto st = queue_->publish(kClickSubject, b.unpublished[done]); !st) {
      failed_publishes_.fetch_add(1);
      log::warn("click_batch_publish_failed", {{"error", st.error().message}});
      break;
    }
    metrics::registry().click_batches_published.inc();
  }
  b.unpublished.erase(b.unpublished.begin(), b.unpublished.begin() + static_cast<std::ptrdiff_t>(done));
}

}  // namespace shortstack::clicks
