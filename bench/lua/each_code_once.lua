-- Visits each of the BENCH_LINKS seeded codes (b000000 ...) once, split between wrk's threads
-- (BENCH_THREADS, which must match -t), and stops when done. GET, not HEAD: wrk cannot read the
-- bodiless answers to HEAD (it waits for the Content-Length it announced).
-- Used to put every link into a cache before measuring it.
local n = tonumber(os.getenv("BENCH_LINKS") or "1000000")
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  stride = tonumber(os.getenv("BENCH_THREADS") or "2")
  next_code = id
  answered = 0
  quota = math.ceil((n - id) / stride)
end
function request()
  local code = next_code
  next_code = next_code + stride
  if code >= n then code = id end  -- connections still in flight after the quota
  return wrk.format("GET", string.format("/b%06d", code))
end
function response(status, headers, body)
  answered = answered + 1
  if answered >= quota then wrk.thread:stop() end
end
