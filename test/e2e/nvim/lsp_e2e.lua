-- Headless Neovim end-to-end test: Neovim's built-in LSP client against the real bundled dg language
-- server, on the example graphs. Run by test/e2e/nvim/run.sh:
--   nvim --headless -u NONE -i NONE -n -c "luafile lsp_e2e.lua"
-- Env: DG_EXAMPLES (the examples/ folder, required), DG_SERVER_CMD (space-separated, required),
--      DG_TIMEOUT_MS (per wait, default 15000).
-- Prints "ok   - ..." / "FAIL - ..." lines and a closing "N passed, N failed"; exits 0 only if all passed.
-- Positions are found by searching the example files' text, so editing the examples does not break it.
-- Works on Neovim 0.7 to 0.12 (trixie ships 0.10.4).
vim.o.showmode = false
local uv = vim.uv or vim.loop
local t0 = uv.hrtime()
local timeout = tonumber(os.getenv('DG_TIMEOUT_MS') or '15000')
local examples = assert(os.getenv('DG_EXAMPLES'), 'set DG_EXAMPLES')
local cmd = vim.split(assert(os.getenv('DG_SERVER_CMD'), 'set DG_SERVER_CMD'), ' ', { trimempty = true })
local failures, passes = 0, 0
local function log(...) io.stdout:write(table.concat(vim.tbl_map(tostring, { ... }), ' ') .. '\n') end
local function check(name, ok, detail)
  if ok then passes = passes + 1; log('ok   - nvim: ' .. name)
  else failures = failures + 1; log('FAIL - nvim: ' .. name .. ' :: ' .. vim.inspect(detail)) end
end
local function finish()
  log(string.format('# %s, %.0f ms', vim.fn.matchstr(vim.fn.execute('version'), 'NVIM v[^ \n]*'), (uv.hrtime() - t0) / 1e6))
  log(string.format('%d passed, %d failed', passes, failures))
  io.stdout:flush()
  vim.cmd((failures == 0 and passes > 0) and 'qa!' or 'cq!')
end

-- The 0-based position of the first plain-text occurrence of `needle` in `buf` (+ `offset` columns).
local function find(buf, needle, offset)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = line:find(needle, 1, true)
    if s then return i - 1, s - 1 + (offset or 0) end
  end
  error('not found in the example: ' .. needle, 0)
end

-- The entity slugs declared in `buf`: what completion in related_entity must offer.
local function slugs_of(buf)
  local out = {}
  for _, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local slug = line:match('^%s*entity%s+"([^"]+)"')
    if slug then table.insert(out, slug) end
  end
  table.sort(out)
  return out
end

local function includes_all(list, wanted)
  local set = {}
  for _, v in ipairs(list) do set[v] = true end
  for _, v in ipairs(wanted) do if not set[v] then return false end end
  return true
end

local cfg = { name = 'dg', cmd = cmd, root_dir = examples }
local function open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'dg'
  local id
  if vim.lsp.start then id = vim.lsp.start(cfg, { bufnr = buf }) -- reuses the running client (same name and root)
  else id = vim.lsp.start_client(cfg); vim.lsp.buf_attach_client(buf, id) end
  return buf, id
end

local function request(buf, method, row, col)
  local res, e = vim.lsp.buf_request_sync(buf, method,
    { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = row, character = col } }, timeout)
  if not res then return nil, e end
  for _, r in pairs(res) do if r.err then return nil, r.err end; return r.result end
end

local function floating_text()
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      return table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false), '\n')
    end
  end
end

local complete_buf, slugs
local okrun, err = pcall(function()
  -- 1. diagnostics: the server publishes them for the broken example after didOpen
  local broken, id = open(examples .. '/broken/broken.dg')
  check('client started', id ~= nil, id)
  if not id then error('the language server did not start', 0) end
  local got = vim.wait(timeout, function() return #vim.diagnostic.get(broken) > 0 end, 20)
  if not got then error('no diagnostics within ' .. timeout .. ' ms: the server died or did not attach', 0) end
  local row, col = find(broken, 'related_entity = "houshold"', #'related_entity = "')
  local typo
  for _, d in ipairs(vim.diagnostic.get(broken)) do if d.code == 'DG300' then typo = d end end
  check('diagnostics arrive (DG300 on the related_entity typo in broken.dg)', typo and typo.lnum == row and typo.col == col
    and typo.severity == vim.diagnostic.severity.ERROR and typo.message:find('"houshold"', 1, true) ~= nil,
    { typo = typo, want = { row, col }, all = vim.diagnostic.get(broken) })
  local codes = {}
  for _, d in ipairs(vim.diagnostic.get(broken)) do codes[d.code or '?'] = true end
  check('diagnostics: several rules report on broken.dg (DG003, DG004, DG200, DG203)',
    codes.DG003 and codes.DG004 and codes.DG200 and codes.DG203, codes)

  -- 2. completion inside related_entity quotes lists the entity slugs (raw response)
  local buf = open(examples .. '/complete.dg')
  complete_buf = buf
  slugs = slugs_of(buf)
  local crow, ccol = find(buf, 'related_entity = "cart-entity"', #'related_entity = "')
  local comp, cerr = request(buf, 'textDocument/completion', crow, ccol)
  local items = comp and (comp.items or comp) or {}
  local labels = vim.tbl_map(function(i) return i.label end, items)
  table.sort(labels)
  check('completion in related_entity lists the ' .. #slugs .. ' entity slugs', #slugs >= 5 and includes_all(labels, slugs)
    and #labels == #slugs, { labels = labels, slugs = slugs, err = cerr })

  -- 3. go to definition: related_entity "cart-entity" -> the entity "cart-entity" label
  local erow, ecol = find(buf, 'entity "cart-entity"', #'entity "')
  local def, derr = request(buf, 'textDocument/definition', crow, ccol + 2)
  local loc = def and (def[1] or def) or {}
  local range = loc.range or loc.targetSelectionRange
  check('definition: raw response points at the entity label', (loc.uri or loc.targetUri) == vim.uri_from_bufnr(buf)
    and range and range.start.line == erow and range.start.character == ecol, { def = def, err = derr, want = { erow, ecol } })
  vim.api.nvim_win_set_cursor(0, { crow + 1, ccol + 2 })
  vim.lsp.buf.definition()
  vim.wait(timeout, function() return vim.api.nvim_win_get_cursor(0)[1] == erow + 1 end, 20)
  check('vim.lsp.buf.definition() jumps to the entity', vim.deep_equal(vim.api.nvim_win_get_cursor(0), { erow + 1, ecol }),
    { got = vim.api.nvim_win_get_cursor(0), want = { erow + 1, ecol } })

  -- 4. hover on the reference shows the entity's table
  local hov, herr = request(buf, 'textDocument/hover', crow, ccol + 2)
  local hv = hov and hov.contents and (hov.contents.value or hov.contents) or ''
  check('hover (raw) shows the table', type(hv) == 'string' and hv:find('PRODUCTION.CUST.CART', 1, true) ~= nil, { hov, herr })
  vim.api.nvim_win_set_cursor(0, { crow + 1, ccol + 2 })
  vim.lsp.buf.hover()
  local text
  vim.wait(timeout, function() text = floating_text(); return text ~= nil end, 20)
  check('vim.lsp.buf.hover() opens a float with the table', text and text:find('PRODUCTION.CUST.CART', 1, true) ~= nil, text)
  vim.cmd('silent! fclose!') -- 0.10+; older: the float closes when the cursor moves
end)
if not okrun then failures = failures + 1; log('FAIL - nvim: error: ' .. tostring(err)) end

local function stop_all_and_finish()
  for _, c in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if vim.fn.has('nvim-0.11') == 1 then c:stop(true) else c.stop(true) end
  end
  finish()
end
if not okrun then return stop_all_and_finish() end

-- 5. completion through the real insert-mode UI: <C-x><C-o> -> vim.lsp.omnifunc -> popup menu.
-- Typed keys are only processed by the main loop, so this polls from a timer after the script returns
-- (vim.wait() inside the script would not consume typeahead).
vim.o.completeopt = 'menu,menuone,noinsert'
vim.bo[complete_buf].omnifunc = 'v:lua.vim.lsp.omnifunc'
local prow, pcol = find(complete_buf, 'related_entity = "brand-entity"', #'related_entity = "')
vim.api.nvim_win_set_cursor(0, { prow + 1, pcol })
vim.api.nvim_input('i<C-x><C-o>')
local ticks, timer = 0, uv.new_timer()
timer:start(20, 20, vim.schedule_wrap(function()
  ticks = ticks + 1
  if vim.fn.pumvisible() == 0 and ticks * 20 < timeout then return end
  timer:stop(); timer:close()
  local words = vim.tbl_map(function(i) return i.word end, vim.fn.complete_info({ 'items' }).items)
  table.sort(words)
  check('insert-mode completion popup (<C-x><C-o>) lists the entity slugs', vim.fn.pumvisible() == 1
    and includes_all(words, slugs), { words = words, slugs = slugs })
  vim.api.nvim_input('<Esc>')
  vim.schedule(stop_all_and_finish)
end))
