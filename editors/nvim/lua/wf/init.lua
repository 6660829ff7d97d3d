-- wf for Neovim: starts the `wf lsp` language server for `digdag` buffers and adds the
-- :WfPlan, :WfRun and :WfRestart commands.
--
--   require("wf").setup({
--     cmd = { "wf", "lsp" },                  -- the server command (`wf` on PATH by default)
--     target = "digdag",                      -- or "treasure-workflow" (init_options.target)
--     root_markers = { "wf.toml", ".git" },   -- what makes a directory the client's root
--     on_attach = function(client, bufnr) end,
--     capabilities = nil,                     -- e.g. from cmp_nvim_lsp
--   })
--
-- Neovim 0.8+ starts the client with vim.lsp.start (one client per root directory); Neovim 0.7
-- with vim.lsp.start_client + vim.lsp.buf_attach_client.

local M = {}

local defaults = {
  cmd = { "wf", "lsp" },
  target = "digdag",
  root_markers = { "wf.toml", ".git" },
  on_attach = nil,
  capabilities = nil,
}

--- The options in force (defaults merged with those given to setup()).
M.options = vim.deepcopy(defaults)

-- Client ids by root directory, for Neovim 0.7 (vim.lsp.start reuses clients by itself).
local clients_by_root = {}
-- Whether the "wf not found" message was shown already.
local warned_missing = false

local function notify(msg, level)
  vim.notify("wf: " .. msg, level or vim.log.levels.INFO)
end

--- Whether the server executable exists; tells the user once when it does not.
local function have_server()
  local exe = M.options.cmd[1]
  if vim.fn.executable(exe) == 1 then
    return true
  end
  if not warned_missing then
    warned_missing = true
    notify(
      ("cannot find the wf executable '%s'. Install it with `cargo install --path cli` in a wf "
        .. "checkout, or pass its path: require('wf').setup({ cmd = { '/path/to/wf', 'lsp' } })"):format(exe),
      vim.log.levels.ERROR
    )
  end
  return false
end

--- The client's root directory for a file: the nearest ancestor holding one of the root
--- markers, else the file's directory (the server lints each file as part of its directory).
function M.root_dir(fname)
  local dir = vim.fn.fnamemodify(fname, ":p:h")
  local cur = dir
  while cur and cur ~= "" do
    for _, marker in ipairs(M.options.root_markers) do
      if vim.loop.fs_stat(cur .. "/" .. marker) then
        return cur
      end
    end
    local parent = vim.fn.fnamemodify(cur, ":h")
    if parent == cur then
      break
    end
    cur = parent
  end
  return dir
end

--- The client configuration for a root directory.
function M.client_config(root)
  return {
    name = "wf",
    cmd = M.options.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = { target = M.options.target },
    capabilities = M.options.capabilities,
    on_attach = M.options.on_attach,
  }
end

--- Starts (or reuses) the wf client for buffer `bufnr` and attaches it. Returns the client id.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == "" or not have_server() then
    return nil
  end
  local root = M.root_dir(fname)
  local config = M.client_config(root)
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if not id then
      notify("could not start " .. table.concat(M.options.cmd, " "), vim.log.levels.ERROR)
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  -- vim.lsp.start sets this on 0.8+; on 0.7 completion with <C-x><C-o> needs it.
  if vim.bo[bufnr].omnifunc == "" then
    vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc"
  end
  return id
end

--- The wf clients currently running.
function M.clients()
  local out = {}
  local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
  for _, client in pairs(get_clients()) do
    if client.name == "wf" then
      table.insert(out, client)
    end
  end
  return out
end

--- Stops every wf client and starts one again for each loaded digdag buffer.
function M.restart()
  for _, client in ipairs(M.clients()) do
    vim.lsp.stop_client(client.id)
  end
  clients_by_root = {}
  -- Give the old processes a moment to exit before the new ones start.
  vim.defer_fn(function()
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == "digdag" then
        M.start(buf)
      end
    end
  end, 200)
end

--- The wf executable and the current buffer's file, saved first; nil when there is none.
local function current_workflow()
  local fname = vim.api.nvim_buf_get_name(0)
  if vim.bo.filetype ~= "digdag" or fname == "" then
    notify("open a .dig workflow first", vim.log.levels.WARN)
    return nil
  end
  if vim.bo.modified then
    vim.cmd("silent write")
  end
  if not have_server() then
    return nil
  end
  return M.options.cmd[1], vim.fn.fnamemodify(fname, ":p")
end

--- :WfPlan — `wf plan FILE` in a scratch split.
function M.plan()
  local wf, file = current_workflow()
  if not wf then
    return
  end
  local out = vim.fn.systemlist({ wf, "plan", file })
  local status = vim.v.shell_error
  vim.cmd("botright new")
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = "nofile"
  vim.bo[buf].bufhidden = "wipe"
  vim.bo[buf].swapfile = false
  vim.api.nvim_buf_set_name(buf, "wf plan " .. vim.fn.fnamemodify(file, ":t") .. " [" .. buf .. "]")
  if status ~= 0 then
    table.insert(out, ("wf plan exited with code %d"):format(status))
  end
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, out)
  vim.bo[buf].modifiable = false
end

--- :WfRun — `wf run FILE` in a terminal split.
function M.run()
  local wf, file = current_workflow()
  if not wf then
    return
  end
  vim.cmd("botright new")
  vim.fn.termopen({ wf, "run", file }, { cwd = vim.fn.fnamemodify(file, ":h") })
  vim.cmd("startinsert")
end

--- Sets the options, starts wf for digdag buffers (now and when they open) and defines the
--- :WfPlan, :WfRun and :WfRestart commands.
function M.setup(opts)
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  local group = vim.api.nvim_create_augroup("wf_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "digdag",
    callback = function(args)
      M.start(args.buf)
    end,
  })
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == "digdag" then
      M.start(buf)
    end
  end
  vim.api.nvim_create_user_command("WfPlan", M.plan, { desc = "wf plan: schedule and task order of this workflow" })
  vim.api.nvim_create_user_command("WfRun", M.run, { desc = "wf run: run this workflow in a terminal" })
  vim.api.nvim_create_user_command("WfRestart", M.restart, { desc = "Restart the wf language server" })
end

return M
