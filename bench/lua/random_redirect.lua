-- Redirects for codes drawn uniformly at random from the BENCH_LINKS seeded links (b000000 ...).
local n = tonumber(os.getenv("BENCH_LINKS") or "1000000")
local seeded = 0
function init(args)
  math.randomseed(os.time() * 1000 + seeded)
  seeded = seeded + 1
end
function request()
  return wrk.format("GET", string.format("/b%06d", math.random(0, n - 1)))
end
