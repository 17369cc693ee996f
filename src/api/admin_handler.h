#pragma once
// The admin listener: liveness, readiness (503 while draining) and Prometheus metrics. It binds to
// loopback by default and is never exposed through the load balancer.
#include <atomic>

#include "http/handler.h"

namespace shortstack::api {

class AdminHandler final : public http::Handler {
 public:
  explicit AdminHandler(const std::atomic<bool>& ready) : ready_(ready) {}
  bool try_inline(http::Exchange& ex, const http::RenderContext& ctx, std::string& out) override;
  http::Response handle(http::Exchange& ex) override;

 private:
  const std::atomic<bool>& ready_;
};

}  // namespace shortstack::api
