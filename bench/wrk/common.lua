-- Shared by every scenario script (loaded with dofile). Each wrk thread runs its own Lua state:
-- the per-thread counters are globals of that state, collected in done() through the thread
-- objects kept by setup() (the pattern of wrk's SCRIPTING guide). done() prints one line
--   BENCH_RESULT {json}
-- that bench/run.py parses: requests, duration, bytes, latency percentiles (microseconds),
-- socket errors, and the answers the script judged bad (non-2xx, or a body without BENCH_EXPECT).
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_index", counter)
  table.insert(threads, thread)
end

bad, good, first_bad = 0, 0, ""

local ok_low = tonumber(os.getenv("BENCH_OK_LOW") or "200")
local ok_high = tonumber(os.getenv("BENCH_OK_HIGH") or "299")
local expect = os.getenv("BENCH_EXPECT")
if expect == "" then expect = nil end

-- Returns true when the answer is what the scenario wants; counts it either way.
function check(status, body)
  local fine = status >= ok_low and status <= ok_high
  if fine and expect and not (body and string.find(body, expect, 1, true)) then fine = false end
  if fine then
    good = good + 1
  else
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(body or "", 1, 160) end
  end
  return fine
end

function response(status, headers, body)
  check(status, body)
end

-- Standard request headers from the environment: BENCH_AUTH is the Authorization value.
function base_headers()
  local h = {}
  local auth = os.getenv("BENCH_AUTH")
  if auth and auth ~= "" then h["Authorization"] = auth end
  return h
end

local function json_string(s)
  s = string.gsub(s, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end)
  return '"' .. s .. '"'
end

function done(summary, latency, requests)
  local nbad, ngood, sample = 0, 0, ""
  for _, t in ipairs(threads) do
    nbad = nbad + (t:get("bad") or 0)
    ngood = ngood + (t:get("good") or 0)
    local fb = t:get("first_bad")
    if sample == "" and fb and fb ~= "" then sample = fb end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"good":%d,"bad":%d,"first_bad":%s,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes, ngood, nbad, json_string(sample),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
