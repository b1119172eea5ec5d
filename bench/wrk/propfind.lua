-- WebDAV PROPFIND Depth: 1 (allprop) on BENCH_PATH with BENCH_AUTH (Basic); 207 is success.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local req
function init(args)
  local h = base_headers()
  h["Depth"] = "1"
  h["Content-Type"] = "application/xml; charset=utf-8"
  local body = '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>'
  req = wrk.format("PROPFIND", os.getenv("BENCH_PATH"), h, body)
end

function request() return req end
