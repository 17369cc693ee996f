#include "api/admin_handler.h"

#include "metrics/metrics.h"

namespace shortstack::api {

// Health checks are answered on the loop: they must keep working when the blocking pool is saturated,
// which is exactly when a load balancer needs an honest answer.
bool AdminHandler::try_inline(http::Exchange& ex, const http::RenderContext& ctx, std::string& out) {
  const auto& req = ex.request;
  if (req.method != http::Method::Get && req.method != http::Method::Head) return false;
  http::Response r;
  if (req.path == "/healthz") {
    r = http::json_response(200, R"({"status":"ok"})");
  } else if (req.path == "/readyz") {
    r = ready_.load() ? http::json_response(200, R"({"status":"ready"})")
                      : http::json_error(503, "draining", "this instance is draining");
  } else {
    return false;
  }
  ex.route = metrics::kAdmin;
  ex.status = r.status;
  http::render(r, ctx, out);
  return true;
}

http::Response AdminHandler::handle(http::Exchange& ex) {
  ex.route = metrics::kAdmin;
  const auto& req = ex.request;
  if (req.path == "/metrics" && (req.method == http::Method::Get || req.method == http::Method::Head)) {
    http::Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = metrics::registry().render();
    return r;
  }
  return http::json_error(404, "not_found", "admin endpoints: /healthz, /readyz, /metrics");
}

}  // namespace shortstack::api
