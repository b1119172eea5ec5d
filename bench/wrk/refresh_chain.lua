-- The refresh-token grant as a client that rotates: each answer's new refresh token is used for a
-- later request, so every token is presented exactly once (a replay would revoke its family).
-- BENCH_TOKENS_FILE holds fresh refresh tokens, one a line; thread i takes lines i, i+T, ...
-- (T = BENCH_THREADS). There must be at least as many tokens as connections.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local queue, head, tail = {}, 1, 0
local headers

function init(args)
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local n = 0
  for line in io.lines(os.getenv("BENCH_TOKENS_FILE")) do
    if line ~= "" then
      if n % threads == thread_index - 1 then
        tail = tail + 1
        queue[tail] = line
      end
      n = n + 1
    end
  end
  headers = base_headers()
  headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  local token = "exhausted"
  if head <= tail then
    token = queue[head]
    queue[head] = nil
    head = head + 1
  end
  return wrk.format("POST", os.getenv("BENCH_PATH"), headers,
                    "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, headers, body)
  if check(status, body) then
    local token = string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
    if token then
      tail = tail + 1
      queue[tail] = token
    else
      good = good - 1
      bad = bad + 1
      if first_bad == "" then first_bad = "no refresh_token in " .. string.sub(body, 1, 120) end
    end
  end
end
