#pragma once
// Wires the tiers chosen by the configuration into a running service, and runs its life cycle:
// start, serve, drain on SIGTERM, exit 0.
#include <memory>

#include "config/config.h"
#include "core/result.h"

namespace shortstack::app {

// Opens the configured stores and applies pending migrations; returns how many were applied.
Result<int> migrate(const config::Config& config);

// Runs `serve` until SIGTERM or SIGINT, then drains. Returns the process exit code.
int serve(const config::Config& config);

}  // namespace shortstack::app
