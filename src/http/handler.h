#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include "http/request.h"
#include "http/response.h"

namespace shortstack::http {

// One request's bookkeeping as it passes through a handler: the route it matched (for metrics)
// and the status it got.
struct Exchange {
  Exchange(const Request& r, std::string_view ip) : request(r), remote_ip(ip) {}
  const Request& request;
  std::string_view remote_ip;
  int route = 0;
  int status = 0;
  int64_t click_link_id = 0;  // set by the redirect path; the click is recorded on the loop in finished()
  int64_t click_owner_id = 0;
  std::string request_id;     // set when something (an API call, the access log) needs one
};

class Handler {
 public:
  virtual ~Handler() = default;
  // On the event loop. Appends a complete response to `out` and returns true when the request can be
  // answered without blocking (the redirect hot path); returns false to send it to handle().
  virtual bool try_inline(Exchange& ex, const RenderContext& ctx, std::string& out) { return false; }
  // On the blocking pool: may call stores that block.
  virtual Response handle(Exchange& ex) = 0;
  // On the event loop, after the response has been queued for writing.
  virtual void finished(const Exchange& ex, std::chrono::nanoseconds elapsed) {}
};

}  // namespace shortstack::http
