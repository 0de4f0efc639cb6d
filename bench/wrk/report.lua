-- wrk script for the benchmarks (bench/stack.py runs it): the method and body come from the
-- environment, and done() prints one line `WRK_JSON {...}` with the counts and latency
-- percentiles (microseconds) that stack.py reads.
--   WRK_METHOD       the request method (default GET)
--   WRK_BODY_FILE    a file whose bytes are sent as the body of every request
--   WRK_COUNT_STATUS when set, answers are counted by status (this makes wrk parse every
--                    answer in Lua, so it is left off where wrk must be at its fastest)

wrk.method = os.getenv("WRK_METHOD") or wrk.method
local body_file = os.getenv("WRK_BODY_FILE")
if body_file then
   local file = assert(io.open(body_file, "rb"))
   wrk.body = file:read("*a")
   file:close()
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

if os.getenv("WRK_COUNT_STATUS") then
   function init(args)
      statuses = {}
   end

   function response(status, headers, body)
      statuses[status] = (statuses[status] or 0) + 1
   end
end

function done(summary, latency, requests)
   local totals = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses") or {}) do
         totals[status] = (totals[status] or 0) + count
      end
   end
   local counted = {}
   for status, count in pairs(totals) do
      table.insert(counted, string.format('"%d": %d', status, count))
   end
   local errors = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
         .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
         .. '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}, '
         .. '"statuses": {%s}}\n',
      summary.requests, summary.duration, summary.bytes,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean,
      table.concat(counted, ", ")))
end
