-- Redirects for codes drawn uniformly at random from the BENCH_LINKS seeded links (b000000 ...), from a
-- browser, so every one is a human click to classify and roll up.
wrk.headers["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " ..
  "Chrome/120.0.0.0 Safari/537.36"
local n = tonumber(os.getenv("BENCH_LINKS") or "1000000")
-- Each wrk thread runs its own Lua state, so a counter in init() is 0 in every one of them: the
-- threads got one seed and drew the same codes, each clicked twice at nearly the same moment, and
-- half the clicks landed on a link-hour the round already held. setup() runs in the main state and
-- numbers the threads.
local threads = 0
function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end
function init(args)
  math.randomseed(os.time() * 1000 + (thread_number or 0) * 7919)
end
function request()
  return wrk.format("GET", string.format("/b%06d", math.random(0, n - 1)))
end
