-- *.dig files are Digdag / Treasure Workflow workflows: filetype `digdag`.
vim.cmd([[autocmd BufRead,BufNewFile *.dig setfiletype digdag]])
