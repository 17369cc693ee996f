#pragma once
// Country by IP address from a MaxMind DB file (GeoLite2-Country, GeoIP2-Country, DB-IP's free
// country file, ...), for deployments without an edge that sets a country header. Lookups are
// read-only on a memory-mapped file, so every event loop can use one instance.
#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace shortstack::analytics {

class GeoIp {
 public:
  static Result<std::shared_ptr<GeoIp>> open(const std::string& path);
  ~GeoIp();
  GeoIp(const GeoIp&) = delete;
  GeoIp& operator=(const GeoIp&) = delete;

  // The ISO 3166 alpha-2 code, or empty when the address is not in the database (or malformed).
  std::string_view country_of(std::string_view ip, std::array<char, 2>& storage) const;

 private:
  struct Db;
  explicit GeoIp(std::unique_ptr<Db> db);
  std::unique_ptr<Db> db_;
};

}  // namespace shortstack::analytics
