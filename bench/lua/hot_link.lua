-- Every request for one code, as when an SMS campaign sends everyone to the same short link. A browser
-- User-Agent, so each request is a human click with every dimension to roll up.
wrk.headers["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 " ..
  "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
wrk.headers["Referer"] = "https://news.example/story"
function request()
  return wrk.format("GET", "/b000000")
end
