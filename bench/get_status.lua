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

-- The counting and the result line are in tally.lua, beside this script.
dofile((debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./") .. "tally.lua")
tally("get_status", expected_status)
