-- Headless Neovim 0.7 test of krls on the real rust_minimal.rs (driven by nvim_test.go).
-- Env: KRLS (binary), KERNEL (tree), RS_FILE (the sample), KEYS (module! keys expected in the
-- completion, comma-separated). Prints "PASS" on success; exits non-zero on failure.
-- Nothing is written: the buffer is edited in memory only (the kernel tree is read-only).
local function out(s) io.stdout:write(s .. "\n") end
local function fail(msg)
  io.stdout:write("FAIL: " .. msg .. "\n")
  vim.cmd("cquit 1")
end

local ok, err = pcall(function()
  local krls = assert(os.getenv("KRLS"), "KRLS not set")
  local kernel = assert(os.getenv("KERNEL"), "KERNEL not set")
  local file = assert(os.getenv("RS_FILE"), "RS_FILE not set")
  local keys = vim.split(assert(os.getenv("KEYS")), ",")
  vim.cmd("filetype on")
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].readonly = false
  out("filetype=" .. vim.bo[bufnr].filetype)

  local attached = false
  local client_id = vim.lsp.start_client({
    name = "krls",
    cmd = { krls, "serve" },
    root_dir = kernel,
    init_options = { kernel = kernel, debounceMs = 10 },
    on_attach = function() attached = true end,
  })
  if not client_id then return fail("start_client returned nil") end
  vim.lsp.buf_attach_client(bufnr, client_id)
  if not vim.wait(10000, function() return attached end, 20) then
    return fail("client did not attach")
  end
  out("attached")

  local function find(pat)
    for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
      local c = l:find(pat, 1, true)
      if c then return i, c - 1 end
    end
    error("not found: " .. pat)
  end
  local function request(method, line, col)
    vim.api.nvim_win_set_cursor(0, { line, col })
    local params = vim.lsp.util.make_position_params()
    local resp, rerr = vim.lsp.buf_request_sync(bufnr, method, params, 30000)
    if not resp then error(method .. ": " .. tostring(rerr)) end
    local r = resp[client_id]
    if not r or r.err then error(method .. " error: " .. vim.inspect(r)) end
    return r.result
  end

  -- module! key completion on a new line after `license: "GPL",`.
  local lic = find('license: "GPL",')
  vim.api.nvim_buf_set_lines(bufnr, lic, lic, false, { "    " })
  local result = request("textDocument/completion", lic + 1, 4)
  local labels = {}
  for _, it in ipairs((result and (result.items or result)) or {}) do labels[it.label] = true end
  for _, k in ipairs(keys) do
    if not labels[k] then return fail("completion lacks module! key " .. k .. ": " .. vim.inspect(vim.tbl_keys(labels))) end
  end
  out("completion: " .. table.concat(vim.tbl_keys(labels), ","))

  -- Hover on KVec.
  local kl, kc = find("KVec<i32>")
  result = request("textDocument/hover", kl, kc + 1)
  if not result then return fail("no hover on KVec") end
  local hover = result.contents.value or vim.inspect(result.contents)
  if not hover:find("KVec", 1, true) then return fail("hover lacks KVec: " .. hover) end
  out("hover: " .. hover:gsub("\n", " "):sub(1, 120))

  -- A bindings:: call on an edited line gets a warning.
  local nl = find("let mut numbers")
  vim.api.nvim_buf_set_lines(bufnr, nl - 1, nl - 1, false,
    { "        unsafe { bindings::mutex_lock(core::ptr::null_mut()) };" })
  local want = nl - 1 -- 0-based line of the inserted text
  local found
  if not vim.wait(20000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.lnum == want and d.severity == vim.diagnostic.severity.WARN and d.message:find("bindings", 1, true) then
        found = d
        return true
      end
    end
    return false
  end, 20) then
    return fail("no bindings warning on line " .. want .. ": " .. vim.inspect(vim.diagnostic.get(bufnr)))
  end
  out("diagnostic: " .. found.message)

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
  out("PASS")
end)
if not ok then fail(tostring(err)) end
vim.cmd("qall!")
