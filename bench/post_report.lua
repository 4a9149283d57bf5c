-- bench/post_report.lua: wrk script for POST /api/v1/reports (the "create" scenario).
--
-- Sends one realistic Dutch report of about 1 KB as application/json on every request, and
-- counts the responses by HTTP status. A create must answer 201; everything else (a 4xx/5xx,
-- but also a 200 or a 3xx, which wrk's own "Non-2xx or 3xx responses" counter ignores) is
-- counted as unexpected. At the end it prints one machine-readable line that bench/run reads:
--
--   BENCH_RESULT {"script":"post_report","expected_status":201,"expected":N,"unexpected":N,
--                 "non_2xx":N,"statuses":{"201":N,...},"requests":N,"duration_us":N,
--                 "p50_us":N,"p99_us":N,"errors":{"connect":N,"read":N,"write":N,"timeout":N,"status":N}}
--
-- By hand: wrk -t2 -c64 -d10s --latency -s bench/post_report.lua http://127.0.0.1:PORT/api/v1/reports
-- Environment: BENCH_EXPECT_STATUS (default 201).

local expected_status = tonumber(os.getenv("BENCH_EXPECT_STATUS") or "201")

-- About 1 KB of UTF-8 JSON (the Content-Length is the byte length, accents included).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.body = '{'
  .. '"title":"Verhuizing doorgeven kan alleen met papieren formulier en natte handtekening",'
  .. '"procedure":"Adreswijziging BRP bij verhuizing binnen de gemeente",'
  .. '"description":"Inwoners die binnen Den Haag verhuizen en geen DigiD hebben, moeten een papieren '
  .. 'formulier ophalen, invullen, laten ondertekenen door de hoofdbewoner en het daarna persoonlijk '
  .. 'inleveren aan de balie. Voor ouderen en mensen met een beperking betekent dat twee keer naar het '
  .. 'stadsdeelkantoor. Wij mogen het formulier niet per e-mail aannemen, ook niet als er een kopie van '
  .. 'het identiteitsbewijs bij zit. Dat kost inwoners én ons onnodig veel tijd.",'
  .. '"impact":"Ongeveer 40 extra baliebezoeken per week; wachttijden lopen op en mensen raken hun '
  .. 'uitkering of toeslag kwijt doordat het adres te laat is geregistreerd.",'
  .. '"suggestion":"Sta een ondertekend formulier per beveiligde e-mail toe, met een controle van het '
  .. 'identiteitsbewijs bij de eerstvolgende afspraak, zoals in Rotterdam en Utrecht al gebeurt.",'
  .. '"department":"dpz",'
  .. '"category":"interne_werkwijze",'
  .. '"reporter_name":"Fatima el Idrissi",'
  .. '"reporter_email":"fatima.elidrissi@denhaag.nl"'
  .. '}'

-- The counting and the result line are in tally.lua, beside this script.
dofile((debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./") .. "tally.lua")
tally("post_report", expected_status)
