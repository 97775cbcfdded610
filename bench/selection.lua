-- wrk script of bench/selection.py: logged-in participants vote and take votes back.
--
-- The configuration (a Lua table written by selection.py) lists the step's path, its proposals
-- and the participants' session keys. Each wrk thread takes every n-th participant and cycles
-- through them; a participant votes for a random proposal while their ballot has room (as far
-- as this thread knows), otherwise takes a random vote back. Several connections of a thread
-- have requests of the same participant in flight at once: the server must serialise them.
local config = dofile(os.getenv("BENCH_WRK_CONFIG"))
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(index * 7919)
  users = {}
  for i = index, #config.sessions, config.threads do
    table.insert(users, {session = config.sessions[i], voted = {}, keys = {}})
  end
  next_user = 1
  accepted = 0
  refused = 0
end

local function remove_key(u, pk)
  for i, k in ipairs(u.keys) do
    if k == pk then
      table.remove(u.keys, i)
      return
    end
  end
end

function request()
  local u = users[next_user]
  next_user = next_user % #users + 1
  local action, pk
  if #u.keys == 0 or (#u.keys < config.limit and math.random() < 0.7) then
    repeat
      pk = config.proposals[math.random(#config.proposals)]
    until not u.voted[pk]
    u.voted[pk] = true
    table.insert(u.keys, pk)
    action = "vote"
  else
    pk = u.keys[math.random(#u.keys)]
    u.voted[pk] = nil
    remove_key(u, pk)
    action = "unvote"
  end
  local headers = {
    ["Cookie"] = config.session_cookie .. "=" .. u.session .. "; " .. config.csrf_cookie .. "=" .. config.csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  if config.htmx then
    headers["HX-Request"] = "true"
  end
  local body = "csrfmiddlewaretoken=" .. config.csrf_token .. "&action=" .. action .. "&here=" .. config.path
  return wrk.format("POST", config.path .. "vote/" .. pk .. "/cast/", headers, body)
end

function response(status, headers, body)
  if status == 200 then
    if string.find(body, "vote-status__error", 1, true) then
      refused = refused + 1
    else
      accepted = accepted + 1
    end
  end
end

function done(summary, latency, requests)
  local a, r = 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("accepted")
    r = r + thread:get("refused")
  end
  io.write(string.format('BENCH-COUNTS {"accepted": %d, "refused": %d}\n', a, r))
end
