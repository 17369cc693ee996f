#pragma once
// What `make test` tells the itests through the environment: the servers it started.
#include <string>

namespace shortstack::testing {

// The variable's value; throws (failing the test, never skipping it) when it is unset, with `how`
// saying how to provide it.
std::string required_env(const char* name, const char* how);

// A name no other test of any process uses: "<prefix><pid><separator><n>".
std::string unique_test_name(const std::string& prefix, const std::string& separator = "_");

}  // namespace shortstack::testing
