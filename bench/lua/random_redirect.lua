-- Redirects for codes drawn uniformly at random from the BENCH_LINKS seeded links (b000000 ...), from a
-- browser, so every one is a human click to classify and roll up.
wrk.headers["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " ..
  "Chrome/120.0.0.0 Safari/537.36"
local n = tonumber(os.getenv("BENCH_LINKS") or "1000000")
local seeded = 0
function init(args)
  math.randomseed(os.time() * 1000 + seeded)
  seeded = seeded + 1
end
function request()
  return wrk.format("GET", string.format("/b%06d", math.random(0, n - 1)))
end
