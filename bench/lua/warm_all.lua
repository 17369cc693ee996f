-- Touches every seeded code once, in order, spread over the wrk threads: fills the redirect cache.
local n = tonumber(os.getenv("BENCH_LINKS") or "1000000")
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  idx = tid
  step = 2
end
function request()
  if idx >= n then idx = idx % step end
  local path = string.format("/b%06d", idx)
  idx = idx + step
  return wrk.format("GET", path)
end
