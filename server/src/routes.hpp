// The HTTP API of spec/sync.md on cpp-httplib: identity, limits, CORS, logging, then Service.
#pragma once
#include <httplib.h>

#include "config.hpp"
#include "rate_limit.hpp"
#include "service.hpp"

namespace srv {

void install_routes(httplib::Server& server, Service& service, const Config& config,
                    RateLimiter& limiter);

}  // namespace srv
