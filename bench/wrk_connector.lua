-- wrk script of the service benchmark (bench/service_bench.py runs it).
--   wrk ... -s bench/wrk_connector.lua URL -- METHOD TOKEN [IDS THREADS]
-- METHOD is GET or PUT. GET reads the connector of URL. PUT sends {"name": "Bench <thread>-<n>"}:
-- a name never sent before, because a PUT that changes nothing is answered without a write and
-- would flatter the service. With IDS (comma-separated connector ids, as many as connections)
-- and THREADS, each thread writes round-robin over its own share of them, so concurrent PUTs
-- rarely meet on one row: 32 writers on one row measure lock and retry contention instead
-- (the service's optimistic write gives up with 503 after 8 lost races). Every non-2xx response is counted (wrk's own error count starts at 400 only), and
-- done() prints one line `BENCH_RESULT {json}` for the runner to parse.

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  method = args[1] or "GET"
  headers = {
    ["Authorization"] = "Bearer " .. (args[2] or ""),
    ["Content-Type"] = "application/json",
  }
  counter = 0
  non2xx = 0
  paths = {}
  local prefix = wrk.path:match("^(.*/)")
  local threads_count = tonumber(args[4] or "1")
  local index = 0
  for id in string.gmatch(args[3] or "", "[^,]+") do
    if index % threads_count == tid - 1 then
      table.insert(paths, prefix .. id)
    end
    index = index + 1
  end
  statuses = ""
end

function request()
  if method == "PUT" then
    counter = counter + 1
    local body = string.format('{"name": "Bench %d-%d"}', tid, counter)
    local path = nil
    if #paths > 0 then
      path = paths[counter % #paths + 1]
    end
    return wrk.format("PUT", path, headers, body)
  end
  return wrk.format("GET", nil, headers)
end

function response(status, _headers, _body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    -- Keep the distinct codes seen, so a run with errors says which ones.
    if not string.find(statuses, "," .. status .. ",", 1, true) then
      statuses = statuses .. "," .. status .. ","
    end
  end
end

function done(summary, latency, _requests)
  local bad = 0
  local codes = ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    codes = codes .. thread:get("statuses")
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "non2xx": %d, "statuses": "%s", '
      .. '"socket_errors": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, bad, codes,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max
  ))
end
