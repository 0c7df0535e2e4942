-- wrk script: POST a small JSON body (the workflow's one input) to the webhook URL given on the command line.
wrk.method = "POST"
wrk.body = '{"who":"bench"}'
wrk.headers["Content-Type"] = "application/json"

local statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write("statuses:")
  for status, count in pairs(statuses) do io.write(string.format(" %d=%d", status, count)) end
  io.write("\n")
end
