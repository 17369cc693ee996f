#include "analytics/geoip.h"

#include <maxminddb.h>

namespace shortstack::analytics {

struct GeoIp::Db {
  MMDB_s mmdb{};
};

GeoIp::GeoIp(std::unique_ptr<Db> db) : db_(std::move(db)) {}

GeoIp::~GeoIp() { MMDB_close(&db_->mmdb); }

Result<std::shared_ptr<GeoIp>> GeoIp::open(const std::string& path) {
  auto db = std::make_unique<Db>();
  if (const int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db->mmdb); rc != MMDB_SUCCESS)
    return make_error(500, "geoip_unavailable", "cannot open MaxMind DB " + path + ": " + MMDB_strerror(rc));
  return std::shared_ptr<GeoIp>(new GeoIp(std::move(db)));
}

std::string_view GeoIp::country_of(std::string_view ip, std::array<char, 2>& storage) const {
  char text[64];
  if (ip.empty() || ip.size() >= sizeof text) return {};
  ip.copy(text, ip.size());
  text[ip.size()] = '\0';
  int gai_error = 0, mmdb_error = 0;
  MMDB_lookup_result_s found = MMDB_lookup_string(&db_->mmdb, text, &gai_error, &mmdb_error);
  if (gai_error != 0 || mmdb_error != MMDB_SUCCESS || !found.found_entry) return {};
  MMDB_entry_data_s code{};
  if (MMDB_get_value(&found.entry, &code, "country", "iso_code", nullptr) != MMDB_SUCCESS || !code.has_data ||
      code.type != MMDB_DATA_TYPE_UTF8_STRING || code.data_size != 2)
    return {};
  storage = {code.utf8_string[0], code.utf8_string[1]};
  return {storage.data(), 2};
}

}  // namespace shortstack::analytics
