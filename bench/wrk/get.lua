-- GET BENCH_PATH (default: the URL's path) with the optional Authorization header BENCH_AUTH.
-- Used for /healthz, discovery, JWKS, the Bearer-protected REST call (JWT or PAT) and downloads.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local req
function init(args)
  req = wrk.format("GET", os.getenv("BENCH_PATH") or nil, base_headers())
end

function request() return req end
