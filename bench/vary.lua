-- wrk script: POST a SPARQL query form, a distinct text per request so no answer cache can hit.
-- wrk ... -s bench/vary.lua URL -- QUERY_FILE [MODULO]
-- QUERY_FILE holds the query; "@N@" in it becomes a number that cycles through 0 .. MODULO-1 (entity lookups).
-- Each request ends with a comment naming the run, the thread and a counter, so texts never repeat,
-- not even across runs (the run tag comes from the time and a random seed).
local template, modulo, counter, tag = nil, 1, 0, ""
local threads_made = 0

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_id", threads_made)
end

function init(args)
  local f = assert(io.open(args[1], "r"))
  template = f:read("*a")
  f:close()
  modulo = tonumber(args[2] or "1")
  math.randomseed(os.time() + (thread_id or 0) * 7919)
  tag = string.format("%d-%d-%d", os.time(), math.random(1, 1000000000), thread_id or 0)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Accept"] = "application/sparql-results+json"
end

function request()
  counter = counter + 1
  local text = template:gsub("@N@", tostring(counter % modulo))
  text = text .. "\n# " .. tag .. "-" .. counter .. "\n"
  return wrk.format(nil, nil, nil, "query=" .. urlencode(text))
end

function done(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"duration_us\": %d, \"errors_status\": %d, " ..
    "\"errors_connect\": %d, \"errors_timeout\": %d, \"errors_read\": %d, \"p50_us\": %d, \"p99_us\": %d}\n",
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect, summary.errors.timeout,
    summary.errors.read, latency:percentile(50), latency:percentile(99)))
end
