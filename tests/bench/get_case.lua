-- wrk: GET /v1/cases/{id} for random generated cases with a rotating set of valid tokens.
-- BENCH_IDS and BENCH_TOKENS name files with one case id / one token per line.
local ids, tokens = {}, {}

function init(args)
    for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
    for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
    math.randomseed(os.time() + #tostring({}))
end

function request()
    local id = ids[math.random(#ids)]
    local token = tokens[math.random(#tokens)]
    return wrk.format("GET", "/v1/cases/" .. id, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
    io.write(string.format("wrk: requests=%d non2xx=%d socket_errors=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
        summary.requests, summary.errors.status,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
        summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
