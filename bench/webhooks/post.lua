-- wrk script: POST a small JSON body (the workflow's one input) to the webhook URL given on the command line,
-- then print the figures RESULTS.md records (wrk's own output has them too; this line is easy to grep).
wrk.method = "POST"
wrk.body = '{"who":"bench"}'
wrk.headers["Content-Type"] = "application/json"

-- Any answer other than 2xx is counted by status, and the first of each is printed with its body.
local failures = {}
function response(status, headers, body)
  if status >= 300 then
    failures[status] = (failures[status] or 0) + 1
    if failures[status] == 1 then io.write(string.format("status %d: %s\n", status, body)) end
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("result: requests=%d rps=%.0f p50=%.2fms p99=%.2fms max=%.2fms non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
