#pragma once
// Contract suites are value-parameterised over a named factory, so every backend of a seam runs the same
// tests: the embedded one in unit_tests, the distributed ones in itests against real servers.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

namespace shortstack::testing {

template <class T>
struct BackendFactory {
  std::string name;
  std::function<std::shared_ptr<T>()> make;
};

template <class T>
void PrintTo(const BackendFactory<T>& f, std::ostream* os) {
  *os << f.name;
}

template <class T>
std::string backend_name(const ::testing::TestParamInfo<BackendFactory<T>>& info) {
  return info.param.name;
}

}  // namespace shortstack::testing
