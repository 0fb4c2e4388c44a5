-- SPDX-License-Identifier: GPL-2.0-only
--
-- krls for Neovim 0.7 and later: require("krls").setup({...}) starts `krls serve` for rust,
-- kconfig and make buffers with vim.lsp.start_client + vim.lsp.buf_attach_client (Neovim 0.7 has
-- no vim.lsp.start), one client per kernel tree. Neovim 0.11 users may instead use the
-- lsp/krls.lua config with vim.lsp.enable("krls"); the user commands work with both.
local M = {}

local defaults = {
  cmd = { "krls", "serve" },
  filetypes = { "rust", "kconfig", "make" },
  -- Sent as initializationOptions and as {krls = settings} in workspace/didChangeConfiguration.
  settings = { kernel = "", build = "", checks = {}, logLevel = "info" },
  on_attach = nil,
  capabilities = nil,
  autostart = true,
}

M.config = vim.deepcopy(defaults)
local clients = {} -- root dir -> client id

local uv = vim.loop

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

local function join(...)
  return table.concat({ ... }, "/")
end

local function parent(dir)
  local p = vim.fn.fnamemodify(dir, ":h")
  if p == dir then
    return nil
  end
  return p
end

--- The root of the kernel tree (or module) a file belongs to: the nearest folder upwards with a
--- rust-project.json, or with Kconfig and rust/kernel/lib.rs (a kernel tree); else the nearest
--- folder with a Kbuild file (an out-of-tree module); else the file's own folder.
function M.root_dir(fname)
  if not fname or fname == "" then
    return nil
  end
  local start = vim.fn.fnamemodify(fname, ":p:h")
  local dir, kbuild = start, nil
  while dir do
    if exists(join(dir, "rust-project.json"))
      or (exists(join(dir, "Kconfig")) and exists(join(dir, "rust", "kernel", "lib.rs"))) then
      return dir
    end
    if not kbuild and exists(join(dir, "Kbuild")) then
      kbuild = dir
    end
    dir = parent(dir)
  end
  return kbuild or start
end

local function settings()
  local s = vim.deepcopy(M.config.settings or {})
  if s.checks and vim.tbl_isempty(s.checks) then
    -- An empty Lua table would be sent as a JSON array.
    s.checks = vim.empty_dict()
  end
  return s
end

--- The client config (as vim.lsp.start_client takes it) for a root folder.
function M.client_config(root)
  local s = settings()
  return {
    name = "krls",
    cmd = M.config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = s,
    settings = { krls = s },
    on_attach = M.config.on_attach,
    capabilities = M.config.capabilities,
  }
end

-- A stopped client leaves the active list, so get_client_by_id is enough (and avoids the
-- client.is_stopped() vs client:is_stopped() change of 0.11).
local function alive(id)
  return id ~= nil and vim.lsp.get_client_by_id(id) ~= nil
end

--- Attaches buffer bufnr (default: current) to the krls client of its tree, starting it if needed.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  local fname = vim.api.nvim_buf_get_name(bufnr)
  local root = M.root_dir(fname)
  if not root then
    return nil
  end
  local id = clients[root]
  if not alive(id) then
    id = vim.lsp.start_client(M.client_config(root))
    if not id then
      vim.notify("krls: cannot start " .. table.concat(M.config.cmd, " ")
        .. " (is krls on PATH? set cmd in require('krls').setup)", vim.log.levels.ERROR)
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  if vim.filetype and vim.filetype.add then
    -- Neovim 0.8+ (filetype.lua); ftdetect/krls.vim covers 0.7.
    vim.filetype.add({
      filename = { Kbuild = "make", Kconfig = "kconfig" },
      pattern = { [".*/Kconfig%..*"] = "kconfig" },
    })
  end
  local group = vim.api.nvim_create_augroup("krls", { clear = true })
  if M.config.autostart then
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      pattern = M.config.filetypes,
      callback = function(args) M.attach(args.buf) end,
    })
    -- Buffers already open when setup runs (lazy loading).
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and vim.tbl_contains(M.config.filetypes, vim.bo[b].filetype) then
        M.attach(b)
      end
    end
  end
end

--- The krls clients attached to bufnr (any way they were started).
function M.buf_clients(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local out = {}
  local list = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr, name = "krls" })
    or vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  for _, c in ipairs(list) do
    if c.name == "krls" then
      table.insert(out, c)
    end
  end
  return out
end

local has011 = vim.fn.has("nvim-0.11") == 1

local function request(client, method, params, handler, bufnr)
  if has011 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Runs a krls workspace/executeCommand and calls cb(err, result) (default: notify the error).
function M.execute(command, args, cb, bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local c = M.buf_clients(bufnr)[1]
  if not c then
    vim.notify("krls: no krls server for this buffer", vim.log.levels.WARN)
    return false
  end
  request(c, "workspace/executeCommand", { command = command, arguments = args or {} }, function(err, result)
    if cb then
      cb(err, result, c)
    elseif err then
      vim.notify("krls: " .. command .. ": " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
  end, bufnr)
  return true
end

function M.restart()
  local bufs = {}
  local stopped = {}
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    for _, c in ipairs(M.buf_clients(b)) do
      bufs[b] = true
      stopped[c.id] = true
    end
  end
  for id in pairs(stopped) do
    vim.lsp.stop_client(id)
  end
  vim.wait(5000, function()
    for id in pairs(stopped) do
      if vim.lsp.get_client_by_id(id) then
        return false
      end
    end
    return true
  end, 20)
  clients = {}
  for b in pairs(bufs) do
    if vim.api.nvim_buf_is_loaded(b) then
      -- Re-runs our FileType autocommand, or vim.lsp.enable's on 0.11.
      vim.api.nvim_exec_autocmds("FileType", { buffer = b, modeline = false })
    end
  end
end

function M.reindex()
  M.execute("krls.reindex", {}, function(err)
    if err then
      vim.notify("krls: reindex: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    else
      vim.notify("krls: re-indexing")
    end
  end)
end

function M.status(cb)
  return M.execute("krls.indexStatus", {}, cb or function(err, result)
    if err then
      vim.notify("krls: status: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    else
      vim.notify("krls index: " .. vim.inspect(result))
    end
  end)
end

-- show jumps to the one location, or fills the quickfix list with several.
local function show(locations, client, what)
  if type(locations) == "table" and locations.uri then
    locations = { locations }
  end
  if not locations or #locations == 0 then
    vim.notify("krls: no " .. what .. " found", vim.log.levels.INFO)
    return
  end
  local enc = client.offset_encoding or "utf-16"
  if #locations == 1 then
    if vim.lsp.util.show_document then
      vim.lsp.util.show_document(locations[1], enc, { focus = true })
    else
      vim.lsp.util.jump_to_location(locations[1], enc)
    end
    return
  end
  vim.fn.setqflist({}, " ", { title = "krls " .. what, items = vim.lsp.util.locations_to_items(locations, enc) })
  vim.cmd("copen")
end

--- Opens the Makefile/Kbuild line that builds the current file.
function M.open_makefile(cb)
  local uri = vim.uri_from_bufnr(0)
  return M.execute("krls.openMakefileLine", { uri }, function(err, result, client)
    if err then
      vim.notify("krls: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    else
      show(result, client, "Makefile line")
    end
    if cb then cb(err, result) end
  end)
end

--- Opens the Kconfig entry of the CONFIG_ symbol under the cursor or, elsewhere, of the option
--- whose Makefile line builds the current file (obj-$(CONFIG_X) += x.o).
function M.open_kconfig(cb)
  local bufnr = vim.api.nvim_get_current_buf()
  local function open(sym)
    M.execute("krls.openKconfigEntry", { sym }, function(err, result, client)
      if err then
        vim.notify("krls: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      else
        show(result, client, "Kconfig entry for " .. sym)
      end
      if cb then cb(err, result) end
    end, bufnr)
  end
  local word = vim.fn.expand("<cword>")
  local sym = word:match("^CONFIG_([%w_]+)$")
  if not sym and vim.bo[bufnr].filetype == "kconfig" and word:match("^[A-Z][A-Z0-9_]+$") then
    sym = word
  end
  if sym then
    return open(sym)
  end
  return M.execute("krls.openMakefileLine", { vim.uri_from_bufnr(bufnr) }, function(err, result)
    local loc = type(result) == "table" and (result.uri and result or result[1]) or nil
    if err or not loc then
      vim.notify("krls: no Makefile line builds this file, so no Kconfig option is known", vim.log.levels.INFO)
      if cb then cb(err, nil) end
      return
    end
    local lines = vim.fn.readfile(vim.uri_to_fname(loc.uri))
    local line = lines[loc.range.start.line + 1] or ""
    local found = line:match("CONFIG_([%w_]+)")
    if not found then
      vim.notify("krls: the Makefile line names no CONFIG_ option: " .. line, vim.log.levels.INFO)
      if cb then cb(nil, nil) end
      return
    end
    open(found)
  end, bufnr)
end

return M
