-- bench/tally.lua: what get_status.lua and post_report.lua share. Not a wrk script itself.
--
-- tally(script, expected_status) defines wrk's setup/init/response/done so that every response
-- is counted by HTTP status and, at the end, one machine-readable line is printed for bench/run:
--
--   BENCH_RESULT {"script":"...","body_bytes":N,"expected_status":N,"expected":N,"unexpected":N,
--                 "non_2xx":N,"statuses":{"201":N,...},"requests":N,"duration_us":N,
--                 "p50_us":N,"p99_us":N,"errors":{"connect":N,"read":N,"write":N,"timeout":N,"status":N}}
--
-- A status other than expected_status (also a 200 or a 3xx, which wrk's own "Non-2xx or 3xx
-- responses" counter ignores) is counted as unexpected.

function tally(script, expected_status)
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
      'BENCH_RESULT {"script":"%s","body_bytes":%d,"expected_status":%d,"expected":%d,"unexpected":%d,'
        .. '"non_2xx":%d,"statuses":{%s},"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,'
        .. '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d}}\n',
      script, #(wrk.body or ""), expected_status, expected, unexpected, non2xx, table.concat(parts, ","),
      summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(99.0),
      e.connect, e.read, e.write, e.timeout, e.status))
  end
end
