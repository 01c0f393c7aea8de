-- wrk script: POSTs the JSON bodies of a file, one per line, in turn, on keep-alive connections.
--
--   BENCH_BODIES=FILE BENCH_PATH=/1.0/kamailio/routing wrk -s post_bodies.lua URL
--
-- Each wrk thread reads FILE and pre-formats every request once (init), so the load loop only
-- picks the next string; thread k starts at line k * lines / threads, so the threads do not
-- ask for the same numbers at the same time. At the end (done) it prints one line
-- "BENCH_JSON {…}" with the exact figures: requests, duration, errors by kind, non-2xx/3xx
-- answers and latency percentiles in microseconds.

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  local file = os.getenv("BENCH_BODIES") or error("post_bodies.lua: BENCH_BODIES is not set")
  local path = os.getenv("BENCH_PATH") or "/1.0/kamailio/routing"
  local headers = {["Content-Type"] = "application/json"}
  requests = {}
  for line in io.lines(file) do
    if #line > 0 then
      requests[#requests + 1] = wrk.format("POST", path, headers, line)
    end
  end
  if #requests == 0 then error("post_bodies.lua: " .. file .. " holds no body") end
  local threads_total = tonumber(os.getenv("BENCH_THREADS") or "1")
  next_index = math.floor((id or 0) * #requests / threads_total) % #requests + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d, "p999": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
