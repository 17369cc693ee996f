-- Every request for one code, as when an SMS campaign sends everyone to the same short link.
function request()
  return wrk.format("GET", "/b000000")
end
