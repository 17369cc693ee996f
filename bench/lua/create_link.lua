-- Durable link creation: POST /api/v1/links with a bearer key; counts statuses so the harness can
-- check that every 201 is in the database afterwards.
local key = os.getenv("BENCH_API_KEY")
local n = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function request()
  n = n + 1
  local body = string.format('{"url":"https://example.com/campaign/%d/%d"}', tid or 0, n)
  return wrk.format("POST", "/api/v1/links",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key}, body)
end
local created = 0
local other = 0
function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  -- wrk only reports non-2xx/3xx as errors; print what the harness compares with the database.
  io.write(string.format("non_2xx_or_3xx=%d\n", summary.errors.status))
end
