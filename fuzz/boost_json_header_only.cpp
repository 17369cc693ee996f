// The fuzz build compiles Boost.JSON from its headers, so the JSON parser itself is instrumented
// (coverage and sanitizers) rather than linked in as Debian's prebuilt library.
#include <boost/json/src.hpp>
