-- GET a large file (BENCH_PATH) with BENCH_AUTH. No response() here: wrk would otherwise buffer
-- each body for Lua. Answers with status >= 400 are wrk's own status errors, counted as bad.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
response = nil

local req
function init(args)
  req = wrk.format("GET", os.getenv("BENCH_PATH") or nil, base_headers())
end

function request() return req end
