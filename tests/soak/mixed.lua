-- mixed.lua: wrk's request mix for the soak (tests/soak/soak): articles,
-- search, diagnose POSTs, wizard pages, static files, and a share of
-- requests that are wrong on purpose (unknown article, broken JSON, an
-- unknown answer, a path out of static/), each answered with a 4xx.
-- Every thread counts its replies by class; done() prints the totals as
--   SOAK replies 2xx=N 3xx=N 4xx=N 5xx=N
-- and the soak fails on any 5xx.

local json = "application/json"
local requests = {
  { "GET", "/api/v1/articles/bluetooth-call-audio" },
  { "GET", "/api/v1/articles/linux-bluetooth-headset-audio" },
  { "GET", "/api/v1/articles?platform=android" },
  { "GET", "/api/v1/search?q=microphone&platform=linux" },
  { "GET", "/api/v1/search?q=SCO" },
  { "GET", "/search?q=headset" },
  { "POST", "/api/v1/diagnose", '{"problem":"bluetooth-call-audio","answers":{"platform":"android","sco_supported":"no"}}' },
  { "POST", "/api/v1/diagnose", '{"problem":"linux-bluetooth-headset-audio","answers":{"platform":"linux","active_profile":"a2dp"}}' },
  { "POST", "/api/v1/diagnose", '{"q":"no sound from the headset","answers":{}}' },
  { "GET", "/api/v1/diagnose?problem=bluetooth-call-audio&platform=ios&callkit=yes" },
  { "GET", "/wizard?problem=bluetooth-call-audio&platform=ios&bt_device=speaker" },
  { "GET", "/wizard?problem=linux-bluetooth-headset-audio&platform=linux" },
  { "GET", "/wizard/tree?problem=bluetooth-call-audio" },
  { "GET", "/articles/bluetooth-call-audio" },
  { "GET", "/" },
  { "GET", "/static/app.css" },
  { "GET", "/static/app.js" },
  { "GET", "/api/v1/questions" },
  { "GET", "/healthz" },
  -- wrong on purpose: 404, 400, 400, 400, 404, 415
  { "GET", "/api/v1/articles/no-such-article" },
  { "POST", "/api/v1/diagnose", '{"problem": "bluetooth-call-audio", "answers": {' },
  { "POST", "/api/v1/diagnose", '{"answers":{"platform":"windows-95"}}' },
  { "GET", "/api/v1/search?q=" },
  { "GET", "/static/..%2f..%2fMakefile" },
  { "POST", "/api/v1/diagnose", "platform=ios", "text/plain" },
}

counts = {}  -- global: done() reads it from each thread
local threads = {}
local built = {}
local i = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = { 0, 0, 0, 0, 0 }
  for n, r in ipairs(requests) do
    local headers = {}
    if r[3] then headers["Content-Type"] = r[4] or json end
    built[n] = wrk.format(r[1], r[2], headers, r[3])
  end
  -- Threads start at different places in the mix.
  i = math.random(#built) - 1
end

function request()
  i = (i % #built) + 1
  return built[i]
end

function response(status, headers, body)
  local class = math.floor(status / 100)
  if class >= 1 and class <= 5 then counts[class] = counts[class] + 1 end
end

-- Each thread's counts, read from the main thread once the run is over.
function done(summary, latency, requests)
  local total = { 0, 0, 0, 0, 0 }
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k = 1, 5 do total[k] = total[k] + c[k] end
  end
  io.write(string.format("SOAK replies 2xx=%d 3xx=%d 4xx=%d 5xx=%d\n",
    total[2], total[3], total[4], total[5]))
  io.write(string.format("SOAK latency p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
