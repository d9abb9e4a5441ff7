-- wrk script: POST /v1/orders with a unique Idempotency-Key and order id per request, spread
-- over MEMBERS enrolled members (env LOYALTY_MEMBERS, default 200).
local counter = 0
local thread_id = 0
local threads = {}
local members = tonumber(os.getenv("LOYALTY_MEMBERS") or "200")
local admin_key = os.getenv("LOYALTY_ADMIN_KEY") or "bench-admin"
local run = os.getenv("LOYALTY_RUN") or tostring(os.time())

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local key = "bench-" .. run .. "-" .. tid .. "-" .. counter
  local member = "bench-" .. ((counter * 7 + tid) % members)
  local body = '{"member_id":"' .. member .. '","order_id":"' .. key ..
    '","cart":{"currency":"PEN","lines":[{"sku":"latte","category":"coffee","unit_price_minor":1250,"quantity":2}]}}'
  return wrk.format("POST", "/v1/orders", {
    ["Content-Type"] = "application/json",
    ["X-Admin-Key"] = admin_key,
    ["Idempotency-Key"] = key,
  }, body)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
