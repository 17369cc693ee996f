#include "queue/memory_queue.h"

namespace shortstack::queue {

Status MemoryQueue::publish(std::string_view subject, std::string_view payload) {
  {
    std::lock_guard lock(mu_);
    subjects_[std::string(subject)].ready.push_back(Message{0, std::string(subject), std::string(payload), 0});
  }
  cv_.notify_all();
  return ok_status();
}

void MemoryQueue::requeue_expired(Subject& s, Clock::time_point now) {
  for (auto it = s.in_flight.begin(); it != s.in_flight.end();) {
    if (it->second.deadline <= now) {
      s.ready.push_front(std::move(it->second.message));
      it = s.in_flight.erase(it);
    } else {
      ++it;
    }
  }
}

Result<std::vector<Message>> MemoryQueue::fetch(std::string_view subject, size_t max, std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  Subject& s = subjects_[std::string(subject)];
  const auto until = Clock::now() + wait;
  for (;;) {
    requeue_expired(s, Clock::now());
    if (!s.ready.empty()) break;
    // Wake at the earliest in-flight deadline too, so an expired delivery is retried on time.
    auto wake = until;
    for (const auto& [tag, f] : s.in_flight) wake = std::min(wake, f.deadline);
    if (cv_.wait_until(lock, wake) == std::cv_status::timeout && Clock::now() >= until) {
      requeue_expired(s, Clock::now());
      if (s.ready.empty()) return std::vector<Message>{};
      break;
    }
  }
  std::vector<Message> out;
  const auto deadline = Clock::now() + ack_timeout_;
  while (!s.ready.empty() && out.size() < max) {
    Message m = std::move(s.ready.front());
    s.ready.pop_front();
    m.delivery_tag = next_tag_++;
    ++m.deliveries;
    s.in_flight.emplace(m.delivery_tag, InFlight{m, deadline});
    out.push_back(std::move(m));
  }
  return out;
}

Status MemoryQueue::ack(const Message& m) {
  std::lock_guard lock(mu_);
  auto it = subjects_.find(m.subject);
  if (it == subjects_.end() || it->second.in_flight.erase(m.delivery_tag) == 0)
    return make_error(409, "not_in_flight", "message was not in flight (already acked, or redelivered)");
  return ok_status();
}

Status MemoryQueue::nack(const Message& m) {
  {
    std::lock_guard lock(mu_);
    auto it = subjects_.find(m.subject);
    if (it == subjects_.end()) return make_error(409, "not_in_flight", "message was not in flight");
    auto f = it->second.in_flight.find(m.delivery_tag);
    if (f == it->second.in_flight.end()) return make_error(409, "not_in_flight", "message was not in flight");
    it->second.ready.push_front(std::move(f->second.message));
    it->second.in_flight.erase(f);
  }
  cv_.notify_all();
  return ok_status();
}

Result<size_t> MemoryQueue::pending(std::string_view subject) {
  std::lock_guard lock(mu_);
  auto it = subjects_.find(std::string(subject));
  return it == subjects_.end() ? size_t{0} : it->second.ready.size() + it->second.in_flight.size();
}

size_t MemoryQueue::total_pending() {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [name, s] : subjects_) n += s.ready.size() + s.in_flight.size();
  return n;
}

}  // namespace shortstack::queue
