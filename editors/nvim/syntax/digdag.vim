" Vim syntax file
" Language:    Digdag / Treasure Workflow (.dig)
" Description: YAML (syntax/yaml.vim) plus digdag's parts: +task names, operator> keys,
"              _directives, ${...} templates with the JavaScript inside, ${secret:...}, !include.

if exists('b:current_syntax')
  finish
endif

runtime! syntax/yaml.vim
unlet! b:current_syntax

" JavaScript for the inside of ${...}.
syn include @digdagJavaScript syntax/javascript.vim
unlet! b:current_syntax

" Keys. Defined after YAML's yamlBlockMappingKey, so they win where both match.
syn match digdagTask      /^\s*\zs+[^[:space:]:,{}\[\]#]*\ze\s*:\%(\s\|$\)/ nextgroup=yamlKeyValueDelimiter
syn match digdagOperator  /^\s*\zs\h[[:alnum:]_.-]*>\ze\s*:\%(\s\|$\)/ nextgroup=yamlKeyValueDelimiter
syn match digdagDirective /^\s*\zs_[[:alnum:]_]*\ze\s*:\%(\s\|$\)/ nextgroup=yamlKeyValueDelimiter
" The same keys inside flow mappings ({echo>: hi}).
syn match digdagTask      /[{,]\s*\zs+[^[:space:]:,{}\[\]#]*\ze\s*:\%(\s\|$\)/ contained containedin=yamlFlowMapping nextgroup=yamlKeyValueDelimiter
syn match digdagOperator  /\%([{,]\s*\)\@<=\h[[:alnum:]_.-]*>\ze\s*:\%(\s\|$\)/ contained containedin=yamlFlowMapping nextgroup=yamlKeyValueDelimiter
syn match digdagDirective /\%([{,]\s*\)\@<=_[[:alnum:]_]*\ze\s*:\%(\s\|$\)/ contained containedin=yamlFlowMapping nextgroup=yamlKeyValueDelimiter

" !include : file
syn match digdagInclude /\%(^\|\s\|[{,\[]\)\@1<=!include\ze\%(\s\|$\|[,}\]]\)/

" ${...}: a JavaScript expression; ${secret:key}: a secret (defined last: wins at the same place).
syn region digdagTemplate matchgroup=digdagTemplateDelimiter start=/\${/ end=/}/ keepend
      \ contains=@digdagJavaScript,digdagTemplateBraces
      \ containedin=yamlPlainScalar,yamlFlowString,yamlBlockMappingKey,yamlFlowMappingKey
syn region digdagTemplateBraces start=/{/ end=/}/ contained transparent
      \ contains=@digdagJavaScript,digdagTemplateBraces
syn match digdagSecret /\${secret:[^}]*}/ contains=digdagSecretKey
      \ containedin=yamlPlainScalar,yamlFlowString,yamlBlockMappingKey,yamlFlowMappingKey
syn match digdagSecretKey /\%(\${secret:\)\@<=[^}]*/ contained

hi def link digdagTask              Function
hi def link digdagOperator          Statement
hi def link digdagDirective         PreProc
hi def link digdagInclude           Include
hi def link digdagTemplateDelimiter Special
hi def link digdagSecret            Special
hi def link digdagSecretKey         Identifier

let b:current_syntax = 'digdag'
