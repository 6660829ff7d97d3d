-- The wf language server for Neovim 0.11+ (`vim.lsp.config` / `vim.lsp.enable("wf")`), in the
-- format nvim-lspconfig uses for its `lsp/` configurations.
return {
  cmd = { "wf", "lsp" },
  filetypes = { "digdag" },
  root_markers = { "wf.toml", ".git" },
  init_options = { target = "digdag" },
}
