-- SPDX-License-Identifier: GPL-2.0-only
--
-- Headless test of the krls Neovim plugin against the real krls server and a real kernel tree.
-- Run by nvim_test.go: nvim --headless -u NONE -i NONE -n -c "luafile plugin_test.lua".
-- Environment (set by the Go test, expectations computed there from the kernel files):
--   PLUGIN_DIR, KRLS_BIN, KRLS_TREE, KBUILD_DIR, MODE (setup | lspconfig),
--   EXPECT_KEYS (module! keys the completion must offer after `license`),
--   EXPECT_DEF_FILE (file under the tree that defines KVec), EXPECT_KCONFIG_LINE,
--   EXPECT_CHECK (diagnostic code of the bindings check; "" = none expected), HOVER_WORD,
--   EXPECT_PARAMS (1 if module! takes params), EXPECT_AUTHOR (the author key as the tree writes it)
local t0 = vim.loop.hrtime()
local function out(s)
  io.stdout:write(string.format("[%6.2fs] %s\n", (vim.loop.hrtime() - t0) / 1e9, s))
end
local function env(name)
  local v = os.getenv(name)
  assert(v, name .. " not set")
  return v
end

local function fail(msg)
  out("FAIL: " .. msg)
  local log = vim.lsp.get_log_path and vim.lsp.get_log_path()
  if log and vim.fn.filereadable(log) == 1 then
    local lines = vim.fn.readfile(log)
    for i = math.max(1, #lines - 15), #lines do
      io.stdout:write("lsp.log: " .. lines[i]:sub(1, 300) .. "\n")
    end
  end
  vim.cmd("cquit 1")
end

local function find_line(bufnr, pat)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local s = l:find(pat)
    if s then
      return i, s
    end
  end
  error("no line matching " .. pat)
end

local function request(bufnr, method, params, timeout)
  local resp, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout or 10000)
  if not resp then
    error(method .. ": " .. tostring(err))
  end
  for _, r in pairs(resp) do
    if r.err then
      error(method .. ": " .. vim.inspect(r.err))
    end
    return r.result
  end
end

local function pos_params(bufnr, line, col)
  return {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = line - 1, character = col - 1 },
  }
end

-- Problems that do not stop the run: all are reported together at the end.
local problems = {}
local function problem(msg)
  out("PROBLEM: " .. msg)
  table.insert(problems, msg)
end

local ok, err = pcall(function()
  local plugin, tree, mode = env("PLUGIN_DIR"), env("KRLS_TREE"), env("MODE")
  out("nvim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. ", mode " .. mode)
  vim.opt.runtimepath:prepend(plugin)
  vim.cmd("runtime plugin/krls.lua")
  vim.cmd("filetype on")
  local krls = require("krls")
  if mode == "setup" then
    krls.setup({ cmd = { env("KRLS_BIN"), "serve" }, settings = { logLevel = "debug" } })
  else
    -- The 0.11 config file, started the way vim.lsp.enable would: root_dir(bufnr, on_dir).
    local cfg = dofile(plugin .. "/lsp/krls.lua")
    cfg.cmd = { env("KRLS_BIN"), "serve" }
    vim.api.nvim_create_autocmd("FileType", {
      pattern = cfg.filetypes,
      callback = function(args)
        cfg.root_dir(args.buf, function(dir)
          local c = vim.tbl_extend("force", cfg, { name = "krls", root_dir = dir })
          c.filetypes = nil
          vim.lsp.start(c, { bufnr = args.buf })
        end)
      end,
    })
  end
  for _, c in ipairs({ "KrlsRestart", "KrlsReindex", "KrlsStatus", "KrlsOpenKconfig", "KrlsOpenMakefile" }) do
    if vim.fn.exists(":" .. c) ~= 2 then
      return fail("command :" .. c .. " missing")
    end
  end

  local file = tree .. "/samples/rust/rust_minimal.rs"
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  if vim.bo[buf].filetype ~= "rust" then
    return fail("filetype " .. vim.bo[buf].filetype)
  end
  local client
  if not vim.wait(10000, function()
    client = krls.buf_clients(buf)[1]
    return client ~= nil and client.initialized ~= false and client.server_capabilities ~= nil
  end, 20) then
    return fail("krls did not attach")
  end
  out("attached, root " .. tostring(client.config.root_dir))
  if vim.fn.resolve(client.config.root_dir) ~= vim.fn.resolve(tree) then
    return fail("root_dir " .. tostring(client.config.root_dir) .. ", want " .. tree)
  end

  -- Hover on HOVER_WORD (KVec on 6.12): retried until the background index is ready.
  local word = env("HOVER_WORD")
  local kl, kc = find_line(buf, "[^%w_]" .. word .. "[^%w_]")
  kc = kc + 1
  local hover
  if not vim.wait(120000, function()
    local r = request(buf, "textDocument/hover", pos_params(buf, kl, kc + 1))
    if r and r.contents then
      hover = type(r.contents) == "table" and (r.contents.value or vim.inspect(r.contents)) or r.contents
      return hover:find(word, 1, true) ~= nil
    end
    return false
  end, 200) then
    return fail("no hover on " .. word .. ": " .. tostring(hover))
  end
  out("hover: " .. hover:gsub("%s+", " "):sub(1, 120))

  -- Its definition lands in rust/kernel.
  local def = request(buf, "textDocument/definition", pos_params(buf, kl, kc + 1), 60000)
  if def and def.uri then
    def = { def }
  end
  if not def or #def == 0 then
    return fail("no definition of " .. word)
  end
  local target = vim.uri_to_fname(def[1].uri or def[1].targetUri)
  local want = vim.fn.resolve(tree .. "/" .. env("EXPECT_DEF_FILE"))
  if vim.fn.resolve(target) ~= want then
    return fail("definition in " .. target .. ", want " .. want)
  end
  out("definition: " .. target .. ":" .. ((def[1].range or def[1].targetSelectionRange).start.line + 1))

  -- module! key completion on a new line after `license`.
  local ll = find_line(buf, "^%s*license:")
  vim.api.nvim_buf_set_lines(buf, ll, ll, false, { "    " })
  local comp = request(buf, "textDocument/completion", pos_params(buf, ll + 1, 5))
  local labels = {}
  for _, it in ipairs(comp and (comp.items or comp) or {}) do
    table.insert(labels, it.label)
  end
  out("completion: " .. table.concat(labels, ","))
  for key in env("EXPECT_KEYS"):gmatch("[^,]+") do
    local found = false
    for _, l in ipairs(labels) do
      if l == key or l:match("^" .. key .. "[^%w_]") then
        found = true
      end
    end
    if not found then
      return fail("module! key " .. key .. " not offered")
    end
  end
  vim.api.nvim_buf_set_lines(buf, ll, ll + 1, false, {})

  -- A direct binding call gets the bindings check's warning on that line.
  local il = find_line(buf, "fn init")
  vim.api.nvim_buf_set_lines(buf, il, il, false,
    { "        let _ = unsafe { bindings::mutex_lock(core::ptr::null_mut()) };" })
  local code, diag = env("EXPECT_CHECK"), nil
  if code ~= "" and not vim.wait(30000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.lnum == il and (d.code == code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code == code)) then
        diag = d
        return true
      end
    end
    return false
  end, 50) then
    return fail("no " .. code .. " diagnostic on line " .. (il + 1) .. ": " .. vim.inspect(vim.diagnostic.get(buf)))
  end
  if diag then
    out("diagnostic: line " .. (diag.lnum + 1) .. " " .. diag.message)
  end
  vim.api.nvim_buf_set_lines(buf, il, il + 1, false, {})

  -- Skeletons come through the server's completion, adapted to the tree: in a new (unsaved)
  -- module file, "kmod" offers kmodule, and kmodule_params only where module! takes params.
  vim.cmd("edit " .. vim.fn.fnameescape(tree .. "/samples/rust/krls_new_module.rs"))
  local nb = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(nb, 0, -1, false, { "kmod" })
  if not vim.wait(5000, function() return krls.buf_clients(nb)[1] ~= nil end, 20) then
    return fail("new module buffer not attached")
  end
  comp = request(nb, "textDocument/completion", pos_params(nb, 1, 5))
  local skel = {}
  for _, it in ipairs(comp and (comp.items or comp) or {}) do
    if it.insertTextFormat == 2 then
      skel[it.label] = it
    end
  end
  out("skeletons for kmod: " .. table.concat(vim.tbl_keys(skel), ","))
  if not skel.kmodule then
    problem("no kmodule snippet item in a new Rust file")
  else
    if (skel.kmodule_params ~= nil) ~= (env("EXPECT_PARAMS") == "1") then
      problem("kmodule_params offered = " .. tostring(skel.kmodule_params ~= nil) .. ", tree has params = " .. env("EXPECT_PARAMS"))
    end
    local body = skel.kmodule.insertText or (skel.kmodule.textEdit and skel.kmodule.textEdit.newText) or ""
    if not body:find("module! {", 1, true) or not body:find(env("EXPECT_AUTHOR"), 1, true) then
      problem("kmodule body: " .. body)
    end
  end
  vim.cmd("bwipeout! " .. nb)
  vim.api.nvim_set_current_buf(buf)

  -- Status, then :KrlsOpenMakefile / :KrlsOpenKconfig through the plugin's functions.
  local status
  krls.status(function(e, r) status = e or r or "nil" end)
  if not vim.wait(10000, function() return status ~= nil end, 20) or type(status) ~= "table" then
    return fail("status: " .. vim.inspect(status))
  end
  out("status: " .. vim.inspect(status):gsub("%s+", " "):sub(1, 150))

  local done = false
  krls.open_makefile(function() done = true end)
  vim.wait(10000, function() return done end, 20)
  local mk = vim.api.nvim_buf_get_name(0)
  local mkline = vim.api.nvim_get_current_line()
  out("makefile: " .. mk .. ": " .. mkline)
  if not mk:match("/samples/rust/Makefile$") or not mkline:find("rust_minimal.o", 1, true) then
    problem("open_makefile went to " .. mk .. ": " .. mkline)
  end
  vim.api.nvim_set_current_buf(buf)
  done = false
  krls.open_kconfig(function() done = true end)
  vim.wait(10000, function() return done end, 20)
  local kconfig_file = tree .. "/samples/rust/Kconfig"
  if vim.api.nvim_buf_get_name(0) ~= kconfig_file then
    problem("open_kconfig went to " .. vim.api.nvim_buf_get_name(0))
    vim.cmd("edit " .. vim.fn.fnameescape(kconfig_file))
  elseif vim.api.nvim_win_get_cursor(0)[1] ~= tonumber(env("EXPECT_KCONFIG_LINE")) then
    problem("open_kconfig went to line " .. vim.api.nvim_win_get_cursor(0)[1] .. ", want " .. env("EXPECT_KCONFIG_LINE"))
  end
  local kc_buf = vim.api.nvim_get_current_buf()
  out("kconfig: " .. vim.api.nvim_buf_get_name(kc_buf) .. ":" .. vim.api.nvim_win_get_cursor(0)[1] .. ": " .. vim.api.nvim_get_current_line())
  if vim.bo[kc_buf].filetype ~= "kconfig" then
    return fail("Kconfig filetype " .. vim.bo[kc_buf].filetype)
  end
  if not vim.wait(5000, function() local c = krls.buf_clients(kc_buf)[1] return c and c.id == client.id end, 20) then
    return fail("Kconfig buffer not attached to the tree's client")
  end
  out("Kconfig buffer attached to client " .. client.id)
  -- The Kconfig skeleton through completion on a new last line.
  local kl_last = vim.api.nvim_buf_line_count(kc_buf)
  vim.api.nvim_buf_set_lines(kc_buf, kl_last, kl_last, false, { "conf" })
  local kcomp = request(kc_buf, "textDocument/completion", pos_params(kc_buf, kl_last + 1, 5))
  local kskel
  for _, it in ipairs(kcomp and (kcomp.items or kcomp) or {}) do
    if it.label == "config" and it.insertTextFormat == 2 then
      kskel = it
    end
  end
  if not kskel then
    problem("no config snippet item in Kconfig")
  else
    out("Kconfig skeleton: " .. (kskel.insertText or kskel.textEdit.newText):gsub("\n.*", " ..."))
  end
  vim.api.nvim_buf_set_lines(kc_buf, kl_last, kl_last + 1, false, {})

  -- Kbuild is make, rooted at its own folder.
  vim.cmd("edit " .. vim.fn.fnameescape(env("KBUILD_DIR") .. "/Kbuild"))
  local kb = vim.api.nvim_get_current_buf()
  if vim.bo[kb].filetype ~= "make" then
    return fail("Kbuild filetype " .. vim.bo[kb].filetype)
  end
  if krls.root_dir(vim.api.nvim_buf_get_name(kb)) ~= env("KBUILD_DIR") then
    return fail("Kbuild root " .. tostring(krls.root_dir(vim.api.nvim_buf_get_name(kb))))
  end
  local kbc
  if not vim.wait(10000, function()
    kbc = krls.buf_clients(kb)[1]
    return kbc ~= nil and kbc.initialized ~= false and kbc.server_capabilities ~= nil
  end, 20) then
    return fail("Kbuild buffer not attached")
  end
  if kbc.id == client.id then
    return fail("Kbuild of an out-of-tree module shares the kernel tree's client")
  end
  out("Kbuild: filetype make, root " .. env("KBUILD_DIR") .. ", client " .. kbc.id)

  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  for _, c in ipairs(get()) do
    vim.lsp.stop_client(c.id)
  end
  if not vim.wait(5000, function() return #get() == 0 end, 20) then
    for _, c in ipairs(get()) do
      out("still running after stop: client " .. c.id .. " root " .. tostring(c.config.root_dir))
    end
  end
  if #problems > 0 then
    return fail(#problems .. " problem(s): " .. table.concat(problems, "; "))
  end
  out("PASS")
end)
if not ok then
  fail(tostring(err))
end
vim.cmd("qall!")
