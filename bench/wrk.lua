-- Drives one page. Environment (read once per thread):
--   BENCH_COOKIES   sessions, "|"-separated; each request takes the next one (empty: anonymous)
--   BENCH_CSRF      CSRF secrets, "|"-separated, one per session; with it, requests are vote POSTs
-- Every request says, as every browser does, that it accepts compressed answers.
-- At the end prints one JSON line with requests/s and latency percentiles in milliseconds.

local cookies, secrets = {}, {}
local counter = 0

local function split(value)
  local parts = {}
  for part in string.gmatch(value or "", "[^|]+") do
    parts[#parts + 1] = part
  end
  return parts
end

local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("offset", thread_count)
end

function init(args)
  cookies = split(os.getenv("BENCH_COOKIES"))
  secrets = split(os.getenv("BENCH_CSRF"))
  counter = (offset or 1) * 7
end

local ACCEPT_ENCODING = "gzip, deflate, br, zstd"

function request()
  counter = counter + 1
  if #cookies == 0 then
    return wrk.format("GET", wrk.path, { ["Accept-Encoding"] = ACCEPT_ENCODING })
  end
  local n = (counter % #cookies) + 1
  local headers = { ["Cookie"] = "sessionid=" .. cookies[n], ["Accept-Encoding"] = ACCEPT_ENCODING }
  if #secrets == 0 then
    return wrk.format("GET", wrk.path, headers)
  end
  -- Alternate each voter's choice, so every cast is a real change of vote.
  local choice = (math.floor(counter / #cookies) % 2 == 0) and "approve" or "decline"
  headers["Cookie"] = headers["Cookie"] .. "; csrftoken=" .. secrets[n]
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  local body = "choice=" .. choice .. "&csrfmiddlewaretoken=" .. secrets[n]
  return wrk.format("POST", wrk.path, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "errors": %d, "non_2xx_3xx": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
