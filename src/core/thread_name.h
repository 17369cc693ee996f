#pragma once
// Names the calling thread (15 characters at most, the kernel's limit), so top -H, perf and
// /proc/PID/task/*/comm say which part of the process is busy.
#include <pthread.h>

#include <string>

namespace shortstack {

inline void name_this_thread(const std::string& name) { pthread_setname_np(pthread_self(), name.substr(0, 15).c_str()); }

}  // namespace shortstack
