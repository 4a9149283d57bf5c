-- bench/get_status.lua: wrk script for plain GET scenarios (/healthz, the queue, the week view, statistics).
--
-- Sends the default GET and counts the responses by HTTP status; anything other than
-- BENCH_EXPECT_STATUS (default 200) is unexpected. At the end it prints one machine-readable
-- line that bench/run reads (the same format as post_report.lua):
--
--   BENCH_RESULT {"script":"get_status","expected_status":200,"expected":N,"unexpected":N,...}
--
-- By hand: wrk -t2 -c64 -d10s --latency -s bench/get_status.lua http://127.0.0.1:PORT/healthz

local expected_status = tonumber(os.getenv("BENCH_EXPECT_STATUS") or "200")

wrk.headers["Accept"] = "application/json"
-- Team endpoints: bench/run passes an API token (never printed).
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = "Bearer " .. auth end
-- The dashboards' scenarios ask for gzip as every browser does (bench/run sets it).
local encoding = os.getenv("BENCH_ACCEPT_ENCODING")
if encoding and encoding ~= "" then wrk.headers["Accept-Encoding"] = encoding end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, expected, unexpected, non2xx = {}, 0, 0, 0
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses") or {}) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    if status == expected_status then expected = expected + n else unexpected = unexpected + n end
    if status < 200 or status > 299 then non2xx = non2xx + n end
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  table.sort(parts)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"script":"get_status","body_bytes":0,"expected_status":%d,"expected":%d,"unexpected":%d,'
      .. '"non_2xx":%d,"statuses":{%s},"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d}}\n',
    expected_status, expected, unexpected, non2xx, table.concat(parts, ","), summary.requests,
    summary.duration, latency:percentile(50.0), latency:percentile(99.0),
    e.connect, e.read, e.write, e.timeout, e.status))
end
