#pragma once
// Wires the tiers chosen by the configuration into a running service, and runs its life cycle:
// start, serve, drain on SIGTERM, exit 0.
#include <memory>

#include "config/config.h"
#include "core/result.h"

namespace shortstack::app {

// Opens the configured stores and applies pending migrations; returns how many were applied.
Result<int> migrate(const config::Config& config);

// Grants ("admin") or withdraws ("user") the administrator role; 404 when no user has the email.
// Works beside a running server: the role is read on every request.
Status set_role(const config::Config& config, const std::string& email, const std::string& role);

// Runs `worker` (click batches from the queue into the analytics store) until SIGTERM or SIGINT.
int worker(const config::Config& config);

// Runs `serve` until SIGTERM or SIGINT, then drains. Returns the process exit code.
int serve(const config::Config& config);

}  // namespace shortstack::app
