-- Headless Neovim test of the wf plugin with the real `wf lsp` (run by run.sh, which sets $WF).
-- Prints one line per check and "N passed, N failed"; exits with code 1 when a check fails.

local test_dir = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
local plugin_dir = vim.fn.fnamemodify(test_dir, ":h")
local fixture = os.getenv("WF_FIXTURE") or (test_dir .. "/fixtures/project/daily.dig")
local wf = assert(os.getenv("WF"), "set WF to the wf binary")

-- run.sh puts the plugin on 'runtimepath' before startup (so ftdetect/ is read); make sure
-- filetype plugins and syntax are on whatever the startup did.
vim.cmd("filetype plugin on")
vim.cmd("syntax on")

local passed, failed = 0, 0

local function say(s)
  io.stdout:write(s .. "\n")
end

local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    say("ok   " .. name)
  else
    failed = failed + 1
    say("FAIL " .. name .. (detail ~= nil and (": " .. vim.inspect(detail)) or ""))
  end
end

--- 0-based row and byte column of the first occurrence of `text` (plain) in buffer `buf`.
local function find(buf, text)
  for row, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(text, 1, true)
    if col then
      return row - 1, col - 1
    end
  end
  error("fixture has no " .. text)
end

--- The syntax groups at `text` + `offset` (innermost last).
local function syntax_at(buf, text, offset)
  local row, col = find(buf, text)
  local names = {}
  for _, id in ipairs(vim.fn.synstack(row + 1, col + 1 + (offset or 0))) do
    table.insert(names, vim.fn.synIDattr(id, "name"))
  end
  return names
end

local function has(list, value)
  return vim.tbl_contains(list, value)
end

local function buf_clients(buf)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = buf })
  end
  return vim.tbl_values(vim.lsp.buf_get_clients(buf))
end

--- The single client reply of a request, or nil and the error.
local function request(buf, method, params)
  local replies, err = vim.lsp.buf_request_sync(buf, method, params, 15000)
  if not replies then
    return nil, err
  end
  for _, reply in pairs(replies) do
    if reply.err then
      return nil, reply.err
    end
    return reply.result
  end
  return nil, "no reply"
end

local function position_params(buf, text, offset)
  local row, col = find(buf, text)
  return {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = row, character = col + (offset or 0) },
  }
end

local function diagnostic_code(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function run()
  -- A missing executable: a clear message, no client.
  local messages = {}
  local notify = vim.notify
  vim.notify = function(msg, level)
    table.insert(messages, { msg = msg, level = level })
  end
  require("wf").setup({ cmd = { "/nonexistent/wf", "lsp" } })
  vim.cmd("edit " .. vim.fn.fnameescape(fixture))
  vim.notify = notify
  local said = messages[1] and messages[1].msg or ""
  check("a missing wf executable is reported", #messages == 1 and messages[1].level == vim.log.levels.ERROR
    and said:find("cannot find the wf executable '/nonexistent/wf'", 1, true) ~= nil, messages)
  check("no client starts without the executable", #buf_clients(0) == 0)
  vim.cmd("bwipeout!")

  require("wf").setup({ cmd = { wf, "lsp" } })
  vim.cmd("edit " .. vim.fn.fnameescape(fixture))
  local buf = vim.api.nvim_get_current_buf()

  -- Filetype and syntax.
  check("*.dig files get filetype digdag", vim.bo[buf].filetype == "digdag", vim.bo[buf].filetype)
  check("syntax: +task name", has(syntax_at(buf, "+prepare"), "digdagTask"), syntax_at(buf, "+prepare"))
  check("syntax: operator key", has(syntax_at(buf, "td>"), "digdagOperator"), syntax_at(buf, "td>"))
  check("syntax: directive", has(syntax_at(buf, "_export"), "digdagDirective"), syntax_at(buf, "_export"))
  check("syntax: other keys stay YAML", has(syntax_at(buf, "create_table"), "yamlBlockMappingKey"),
    syntax_at(buf, "create_table"))
  check("syntax: ${ delimiter", has(syntax_at(buf, "${report_dir}"), "digdagTemplateDelimiter"),
    syntax_at(buf, "${report_dir}"))
  check("syntax: inside ${...}", has(syntax_at(buf, "${report_dir}", 2), "digdagTemplate"),
    syntax_at(buf, "${report_dir}", 2))
  check("syntax: ${...} ends at }", not has(syntax_at(buf, "${session_date} is", 15), "digdagTemplate"),
    syntax_at(buf, "${session_date} is", 15))
  check("syntax: ${secret:...}", has(syntax_at(buf, "${secret:", 9), "digdagSecretKey"),
    syntax_at(buf, "${secret:", 9))
  check("syntax: comment", has(syntax_at(buf, "# The fixture"), "yamlComment"), syntax_at(buf, "# The fixture"))

  -- The client starts and attaches.
  local attached = vim.wait(10000, function()
    return #buf_clients(buf) > 0
  end, 20)
  check("wf lsp attaches to the buffer", attached)
  if not attached then
    return
  end
  local client = buf_clients(buf)[1]
  check("omnifunc is the LSP's", vim.bo[buf].omnifunc == "v:lua.vim.lsp.omnifunc", vim.bo[buf].omnifunc)
  check("the client is named wf", client.name == "wf", client.name)
  check("init_options carry the lint target", client.config.init_options.target == "digdag",
    client.config.init_options)

  -- Diagnostics: the misspelled `parallel` of +checks (an M002 error on line 19).
  local got = vim.wait(20000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 20)
  local diagnostics = vim.diagnostic.get(buf)
  check("diagnostics arrive", got)
  local m002
  for _, d in ipairs(diagnostics) do
    if diagnostic_code(d) == "M002" then
      m002 = d
    end
  end
  check("M002 invalid-group-key reported", m002 ~= nil, diagnostics)
  if m002 then
    local row = find(buf, "parallel: true")
    check("M002 is on the `parallel` line", m002.lnum == row, { lnum = m002.lnum, expected = row })
    check("M002 is an error", m002.severity == vim.diagnostic.severity.ERROR, m002.severity)
    check("M002 message says what to do", m002.message:find("_parallel", 1, true) ~= nil, m002.message)
  end
  check("no other diagnostics", #diagnostics == 1, diagnostics)

  -- Quick fix for it.
  if m002 then
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = { start = { line = m002.lnum, character = m002.col }, ["end"] = { line = m002.end_lnum, character = m002.end_col } },
      context = { diagnostics = {} },
    }
    local actions, err = request(buf, "textDocument/codeAction", params)
    local titles = {}
    for _, a in ipairs(actions or {}) do
      table.insert(titles, a.title)
    end
    check("code action offers the fix", vim.tbl_count(titles) > 0 and table.concat(titles, "\n"):find("_parallel", 1, true) ~= nil,
      err or titles)
  end

  -- Completion inside `${`: the built-in session_date and the _export'ed report_dir.
  local completion, cerr = request(buf, "textDocument/completion", position_params(buf, "${session_date}", 2))
  local items = completion and (completion.items or completion) or {}
  local labels = {}
  for _, item in ipairs(items) do
    labels[item.label] = true
  end
  check("completion inside ${ offers session_date", labels.session_date == true, cerr or vim.tbl_keys(labels))
  check("completion inside ${ offers the _export'ed report_dir", labels.report_dir == true, cerr or vim.tbl_keys(labels))

  -- Hover on `td>`: the operator's documentation.
  local hover, herr = request(buf, "textDocument/hover", position_params(buf, "td>", 1))
  local text = ""
  if hover and hover.contents then
    text = type(hover.contents) == "string" and hover.contents or (hover.contents.value or vim.inspect(hover.contents))
  end
  check("hover on td> returns its docs", text:find("td>", 1, true) ~= nil and text:find("database", 1, true) ~= nil,
    herr or text)

  -- An edit reaches the server: fixing the key clears the diagnostics.
  local row, col = find(buf, "parallel: true")
  vim.api.nvim_buf_set_text(buf, row, col, row, col, { "_" })
  local cleared = vim.wait(20000, function()
    return #vim.diagnostic.get(buf) == 0
  end, 20)
  check("fixing `parallel` -> `_parallel` clears the diagnostics", cleared, vim.diagnostic.get(buf))
  vim.cmd("silent write")

  -- :WfPlan shows `wf plan` for the workflow.
  vim.cmd("WfPlan")
  local plan = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  check(":WfPlan shows the schedule and tasks", plan:find("workflow daily", 1, true) ~= nil
    and plan:find("+checks", 1, true) ~= nil, plan)
  vim.cmd("bwipeout!")

  -- nvim-lspconfig entry, with stand-ins for lspconfig's modules.
  local registered = {}
  package.loaded["lspconfig.configs"] = registered
  package.loaded["lspconfig.util"] = {
    root_pattern = function()
      return function()
        return nil
      end
    end,
  }
  local entry = require("wf.lspconfig")
  check("lspconfig entry registers configs.wf", registered.wf == entry and entry.default_config ~= nil)
  if entry and entry.default_config then
    local cfg = entry.default_config
    check("lspconfig entry runs `wf lsp` for digdag", cfg.cmd[1] == "wf" and cfg.cmd[2] == "lsp"
      and has(cfg.filetypes, "digdag"), cfg)
    check("lspconfig root falls back to the file's directory",
      cfg.root_dir(fixture) == vim.fn.fnamemodify(fixture, ":p:h"), cfg.root_dir(fixture))
  end
  local native = dofile(plugin_dir .. "/lsp/wf.lua")
  check("lsp/wf.lua (vim.lsp.config) runs `wf lsp` for digdag", native.cmd[2] == "lsp" and has(native.filetypes, "digdag"),
    native)
end

local ok, err = pcall(run)
if not ok then
  check("the test ran to the end", false, err)
end
for _, client in ipairs(require("wf").clients()) do
  vim.lsp.stop_client(client.id)
end
say(("%d passed, %d failed"):format(passed, failed))
vim.cmd(failed == 0 and "qall!" or "cquit 1")
