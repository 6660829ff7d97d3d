-- Neovim settings for editors/nvim/screenshot/make.sh (the plugin is on runtimepath already).
vim.o.number = true
vim.o.signcolumn = "yes"
vim.o.laststatus = 2
vim.o.cmdheight = 1
vim.o.background = "dark"
vim.cmd("syntax on")
vim.cmd("filetype plugin on")
require("wf").setup({ cmd = { os.getenv("WF"), "lsp" } })
vim.diagnostic.config({ virtual_text = { prefix = "●" }, severity_sort = true })
vim.lsp.handlers["textDocument/hover"] =
  vim.lsp.with(vim.lsp.handlers.hover, { border = "rounded", max_width = 104, max_height = 14 })
vim.keymap.set("n", "K", vim.lsp.buf.hover)
vim.cmd([[
  highlight NormalFloat ctermbg=236 ctermfg=252
  highlight FloatBorder ctermbg=236 ctermfg=244
  highlight SignColumn ctermbg=NONE
  highlight LineNr ctermfg=242
]])
