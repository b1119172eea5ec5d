-- POST an application/x-www-form-urlencoded BENCH_BODY to BENCH_PATH with BENCH_AUTH (Basic
-- client credentials): client_credentials token issuance and introspection.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local req
function init(args)
  local h = base_headers()
  h["Content-Type"] = "application/x-www-form-urlencoded"
  req = wrk.format("POST", os.getenv("BENCH_PATH"), h, os.getenv("BENCH_BODY") or "")
end

function request() return req end
