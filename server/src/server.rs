//! [`Backend`]: document state and the LSP methods.
//!
//! Document texts live in an [`OverlayFileSystem`] over the base file system. `did_open` /
//! `did_change` / `did_close` update it synchronously, before any `.await`, because
//! tower-lsp-server runs up to four handlers at once: that keeps edits in order. Each change
//! bumps the document's revision (and those of the open documents that read it) and starts an
//! analysis in the background; an analysis whose revision is no longer current is dropped, so
//! the published diagnostics always belong to the latest text.

use crate::convert;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};
use wf_engine::ide::{self, DocumentAnalysis, OverlayFileSystem};
use wf_engine::load::FileSystem;

/// Largest document analyzed, in bytes. Larger documents are kept (edits still apply) but get
/// no diagnostics, outline or navigation.
pub const MAX_DOCUMENT_BYTES: usize = 2 << 20;

/// The parameters of `wf/documentText`.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DocumentTextParams {
    text_document: TextDocumentIdentifier,
}

/// Most symbols one `workspace/symbol` reply lists.
const MAX_WORKSPACE_SYMBOLS: usize = 1_000;

/// The language server.
pub struct Backend {
    shared: Arc<Shared>,
}

struct Shared {
    client: Client,
    state: Mutex<State>,
    /// Held while publishing, so that a newer analysis publishes after an older one.
    publish: tokio::sync::Mutex<()>,
    /// Whether the client accepts `LocationLink`s for definitions.
    link_support: AtomicBool,
    /// Whether the client pulls diagnostics (`textDocument/diagnostic`); then they are not
    /// pushed.
    pull_diagnostics: AtomicBool,
    /// Whether the client accepts `workspace/diagnostic/refresh`.
    diagnostic_refresh: AtomicBool,
    /// "Now" for schedule hints and plans, fixed by the `now` initialization option (RFC 3339)
    /// for reproducible replies; the clock otherwise.
    now: Mutex<Option<jiff::Timestamp>>,
    /// The lint target from the `target` initialization option (`digdag` or
    /// `treasure-workflow`); `None`: the project's `wf.toml`, else digdag.
    target: Mutex<Option<wf_engine::schema::Target>>,
    /// The workspace folders (for workspace symbols).
    roots: Mutex<Vec<PathBuf>>,
    /// The semantic tokens last sent for each document (for deltas).
    semantic_tokens: Mutex<convert::SemanticTokensCache>,
}

#[derive(Default)]
struct State {
    fs: OverlayFileSystem,
    /// Open documents by normalized path.
    docs: HashMap<PathBuf, Doc>,
    next_rev: u64,
}

struct Doc {
    uri: Uri,
    /// The client's version.
    version: i32,
    /// Changes when the document or a file it reads changes.
    rev: u64,
    text: Arc<str>,
    /// The latest analysis, with the revision it was computed for.
    analysis: Option<(u64, Arc<DocumentAnalysis>)>,
    /// Files the latest analysis read (besides the document).
    deps: Vec<PathBuf>,
    /// An analysis is running.
    running: bool,
    /// The text changed while it was running.
    pending: bool,
    /// A file it reads changed: a client that pulls diagnostics must be told to pull again.
    dependency_changed: bool,
}

impl State {
    fn bump(&mut self) -> u64 {
        self.next_rev += 1;
        self.next_rev
    }

    /// Sets a document's text; returns the documents to re-analyze (it and those reading it).
    fn set_text(&mut self, path: &Path, uri: Uri, version: i32, text: Arc<str>) -> Vec<PathBuf> {
        let rev = self.bump();
        self.fs.set(path, text.clone());
        match self.docs.get_mut(path) {
            Some(doc) => {
                doc.uri = uri;
                doc.version = version;
                doc.rev = rev;
                doc.text = text;
            }
            None => {
                self.docs.insert(
                    path.to_path_buf(),
                    Doc {
                        uri,
                        version,
                        rev,
                        text,
                        analysis: None,
                        deps: Vec::new(),
                        running: false,
                        pending: false,
                        dependency_changed: false,
                    },
                );
            }
        }
        let mut out = vec![path.to_path_buf()];
        out.extend(self.dependents(path));
        out
    }

    /// Bumps and returns the open documents (other than `path`) whose analysis read `path`,
    /// and those not analyzed yet (their running first analysis may have read the old text).
    fn dependents(&mut self, path: &Path) -> Vec<PathBuf> {
        let users: Vec<PathBuf> = self
            .docs
            .iter()
            .filter(|(p, d)| {
                p.as_path() != path
                    && (d.deps.iter().any(|dep| dep == path)
                        || (d.analysis.is_none() && d.text.len() <= MAX_DOCUMENT_BYTES))
            })
            .map(|(p, _)| p.clone())
            .collect();
        for p in &users {
            let rev = self.bump();
            if let Some(d) = self.docs.get_mut(p) {
                d.rev = rev;
                d.dependency_changed = true;
            }
        }
        users
    }
}

/// A document to analyze, as it is now.
struct Snapshot {
    path: PathBuf,
    rev: u64,
    fs: OverlayFileSystem,
    too_large: bool,
}

impl Shared {
    /// The lint target the client asked for, if any.
    fn target(&self) -> Option<wf_engine::schema::Target> {
        self.target.lock().map(|t| *t).unwrap_or(None)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held cannot leave the maps half-updated in a way that
        // matters more than stopping the server would.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current revision of an open document, with a file system snapshot.
    fn snapshot(&self, path: &Path) -> Option<Snapshot> {
        let st = self.state();
        let doc = st.docs.get(path)?;
        Some(Snapshot {
            path: path.to_path_buf(),
            rev: doc.rev,
            fs: st.fs.clone(),
            too_large: doc.text.len() > MAX_DOCUMENT_BYTES,
        })
    }

    /// Records an analysis if it is still current; returns the one it replaces (`None` when
    /// the analysis is stale).
    fn store(
        &self,
        path: &Path,
        rev: u64,
        analysis: &Arc<DocumentAnalysis>,
    ) -> Option<Option<(u64, Arc<DocumentAnalysis>)>> {
        let mut st = self.state();
        let doc = st.docs.get_mut(path)?;
        if doc.rev != rev {
            return None;
        }
        doc.deps = analysis
            .sources
            .iter()
            .map(|(_, f)| wf_engine::load::normalize_path(&f.path))
            .filter(|p| p != path)
            .collect();
        Some(doc.analysis.replace((rev, analysis.clone())))
    }

    /// Starts analyzing `path` unless an analysis of it is running already, which then runs
    /// once more when it ends: at most one analysis per document at a time, always of the
    /// latest text.
    fn schedule(self: &Arc<Self>, path: PathBuf) {
        {
            let mut st = self.state();
            let Some(doc) = st.docs.get_mut(&path) else {
                return;
            };
            if doc.running {
                doc.pending = true;
                return;
            }
            doc.running = true;
        }
        tokio::spawn(self.clone().analyze_loop(path));
    }

    async fn analyze_loop(self: Arc<Self>, path: PathBuf) {
        loop {
            self.refresh(&path).await;
            let mut st = self.state();
            match st.docs.get_mut(&path) {
                Some(doc) if doc.pending => doc.pending = false,
                Some(doc) => {
                    doc.running = false;
                    return;
                }
                None => return,
            }
        }
    }

    /// Analyzes the current text of `path` and publishes its diagnostics, unless the text
    /// changed meanwhile.
    async fn refresh(self: &Arc<Self>, path: &Path) {
        let this = self.clone();
        let path = path.to_path_buf();
        let job = tokio::task::spawn_blocking(move || {
            let snap = this.snapshot(&path)?;
            if snap.too_large {
                return Some((snap, None, Vec::new()));
            }
            let target = this.target();
            let analysis = Arc::new(ide::analyze_document_with(&snap.fs, &snap.path, target));
            let diagnostics = convert::diagnostics(&analysis);
            Some((snap, Some(analysis), diagnostics))
        });
        let (snap, analysis, diagnostics) = match job.await {
            Ok(Some(done)) => done,
            Ok(None) => return,
            Err(e) => {
                self.client
                    .log_message(MessageType::ERROR, format!("wf: analysis failed: {e}"))
                    .await;
                return;
            }
        };
        let _order = self.publish.lock().await;
        // The replaced analysis is freed off the reply path (a large workflow's takes ms).
        let mut replaced = None;
        if let Some(a) = &analysis {
            match self.store(&snap.path, snap.rev, a) {
                Some(old) => replaced = old,
                None => return,
            }
        }
        let _free_later = FreeLater(replaced);
        let (uri, version, dependency_changed) = {
            let mut st = self.state();
            match st.docs.get_mut(&snap.path) {
                Some(d) if d.rev == snap.rev => (
                    d.uri.clone(),
                    d.version,
                    std::mem::take(&mut d.dependency_changed),
                ),
                _ => return,
            }
        };
        if self.pull_diagnostics.load(Ordering::Relaxed) {
            // The client asks for them when a document changes; when a file it includes
            // changed, tell the client to ask again.
            if dependency_changed && self.diagnostic_refresh.load(Ordering::Relaxed) {
                let client = self.client.clone();
                tokio::spawn(async move { client.workspace_diagnostic_refresh().await });
            }
            return;
        }
        self.client
            .publish_diagnostics(uri, diagnostics, Some(version))
            .await;
    }

    /// "Now" for schedule hints and plans.
    fn now(&self) -> jiff::Timestamp {
        self.now
            .lock()
            .ok()
            .and_then(|n| *n)
            .unwrap_or_else(jiff::Timestamp::now)
    }

    /// The current revision of an open document.
    fn revision(&self, path: &Path) -> Option<u64> {
        self.state().docs.get(path).map(|d| d.rev)
    }

    /// The project directories to search for workspace symbols: the workspace folders and
    /// the directories of the open documents.
    fn project_roots(&self) -> Vec<PathBuf> {
        let mut roots: Vec<PathBuf> = self.roots.lock().map(|r| r.clone()).unwrap_or_default();
        for p in self.state().docs.keys() {
            if let Some(dir) = p.parent() {
                if !roots.iter().any(|r| r == dir) {
                    roots.push(dir.to_path_buf());
                }
            }
        }
        roots
    }

    /// The analysis of the current text of `path` (open or not), computing it when needed.
    async fn analysis(
        self: &Arc<Self>,
        path: PathBuf,
    ) -> Result<Option<(Arc<DocumentAnalysis>, OverlayFileSystem)>> {
        let (cached, snap) = {
            let st = self.state();
            match st.docs.get(&path) {
                Some(doc) if doc.text.len() > MAX_DOCUMENT_BYTES => return Ok(None),
                Some(doc) => match &doc.analysis {
                    Some((rev, a)) if *rev == doc.rev => (Some(a.clone()), None),
                    _ => (None, Some((doc.rev, st.fs.clone()))),
                },
                None => (None, None),
            }
        };
        if let Some(a) = cached {
            let fs = self.state().fs.clone();
            return Ok(Some((a, fs)));
        }
        let this = self.clone();
        blocking(move || {
            let (rev, fs) = match snap {
                Some(s) => (Some(s.0), s.1),
                // Not open: read it from the base file system.
                None => (None, this.state().fs.clone()),
            };
            let analysis = Arc::new(ide::analyze_document_with(&fs, &path, this.target()));
            if let Some(rev) = rev {
                this.store(&path, rev, &analysis);
            }
            analysis.file.map(|_| (analysis, fs))
        })
        .await
    }
}

/// Runs engine work off the async threads; a panic there becomes an internal error reply.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
        message: format!("wf: {e}").into(),
        data: None,
    })
}

impl Backend {
    /// A server talking to `client`; files that are not open are read from `base`.
    pub fn new(client: Client, base: Arc<dyn FileSystem + Send + Sync>) -> Backend {
        Backend {
            shared: Arc::new(Shared {
                client,
                state: Mutex::new(State {
                    fs: OverlayFileSystem::new(base),
                    ..State::default()
                }),
                publish: tokio::sync::Mutex::new(()),
                link_support: AtomicBool::new(false),
                pull_diagnostics: AtomicBool::new(false),
                diagnostic_refresh: AtomicBool::new(false),
                now: Mutex::new(None),
                target: Mutex::new(None),
                roots: Mutex::new(Vec::new()),
                semantic_tokens: Mutex::new(convert::SemanticTokensCache::default()),
            }),
        }
    }

    /// Starts background analyses of `paths`.
    fn schedule(&self, paths: Vec<PathBuf>) {
        for path in paths {
            self.shared.schedule(path);
        }
    }

    /// The reply to a message that was not valid JSON-RPC (see `transport`).
    pub(crate) async fn invalid_request(&self) -> Result<()> {
        Err(Error::invalid_request())
    }

    /// `wf/documentText` (`{"textDocument": {"uri"}}`): the text and version of an open
    /// document as the server holds it, for checking an editor's edits against the server.
    pub(crate) async fn document_text(&self, params: DocumentTextParams) -> Result<Value> {
        let path = convert::path_of(&params.text_document.uri)
            .ok_or_else(|| Error::invalid_params("not a file: URI"))?;
        let st = self.shared.state();
        let doc = st
            .docs
            .get(&path)
            .ok_or_else(|| Error::invalid_params("the document is not open"))?;
        Ok(serde_json::json!({ "version": doc.version, "text": &*doc.text }))
    }

    /// The capabilities this server offers; pull diagnostics only to a client that supports
    /// them (`pull_diagnostics`).
    pub fn capabilities(pull_diagnostics: bool) -> ServerCapabilities {
        ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..Default::default()
                },
            )),
            document_symbol_provider: Some(OneOf::Left(true)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(
                    ["{", ".", ":", " "].iter().map(|c| c.to_string()).collect(),
                ),
                ..Default::default()
            }),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..Default::default()
            })),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            rename_provider: Some(OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            document_highlight_provider: Some(OneOf::Left(true)),
            folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
            selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
            semantic_tokens_provider: Some(
                SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
                    legend: convert::semantic_tokens_legend(),
                    full: Some(SemanticTokensFullOptions::Delta { delta: Some(true) }),
                    range: None,
                    work_done_progress_options: Default::default(),
                }),
            ),
            workspace_symbol_provider: Some(OneOf::Left(true)),
            inlay_hint_provider: Some(OneOf::Left(true)),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(false),
            }),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: vec![convert::PLAN_COMMAND.to_string()],
                work_done_progress_options: Default::default(),
            }),
            diagnostic_provider: pull_diagnostics.then(|| {
                DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("wf".to_string()),
                    inter_file_dependencies: true,
                    workspace_diagnostics: false,
                    work_done_progress_options: Default::default(),
                })
            }),
            ..Default::default()
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let text_caps = params.capabilities.text_document.as_ref();
        let links = text_caps
            .and_then(|t| t.definition.as_ref())
            .and_then(|d| d.link_support)
            .unwrap_or(false);
        self.shared.link_support.store(links, Ordering::Relaxed);
        let pull = text_caps.is_some_and(|t| t.diagnostic.is_some());
        self.shared.pull_diagnostics.store(pull, Ordering::Relaxed);
        let refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        self.shared
            .diagnostic_refresh
            .store(refresh, Ordering::Relaxed);
        let now = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("now"))
            .and_then(|n| n.as_str())
            .map(|n| {
                n.parse::<jiff::Timestamp>()
                    .map_err(|e| Error::invalid_params(format!("initializationOptions.now: {e}")))
            })
            .transpose()?;
        if let Ok(mut slot) = self.shared.now.lock() {
            *slot = now;
        }
        let target = match params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("target"))
            .and_then(|t| t.as_str())
        {
            None | Some("") => None,
            Some(t) => Some(wf_engine::schema::Target::parse(t).ok_or_else(|| {
                Error::invalid_params(format!(
                    "initializationOptions.target: {t:?} is not digdag or treasure-workflow"
                ))
            })?),
        };
        if let Ok(mut slot) = self.shared.target.lock() {
            *slot = target;
        }
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| convert::path_of(&f.uri))
            .collect();
        #[allow(deprecated)] // `root_uri` is what older clients send
        if let Some(root) = params.root_uri.as_ref().and_then(convert::path_of) {
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        if let Ok(mut slot) = self.shared.roots.lock() {
            *slot = roots;
        }
        Ok(InitializeResult {
            capabilities: Backend::capabilities(pull),
            server_info: Some(ServerInfo {
                name: "wf".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let Some(path) = convert::path_of(&doc.uri) else {
            return;
        };
        let todo = self
            .shared
            .state()
            .set_text(&path, doc.uri, doc.version, Arc::from(doc.text));
        self.schedule(todo);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return;
        };
        let todo = {
            let mut st = self.shared.state();
            let Some(doc) = st.docs.get(&path) else {
                return;
            };
            let mut text = doc.text.to_string();
            for change in params.content_changes {
                convert::apply_change(&mut text, change);
            }
            let uri = params.text_document.uri;
            st.set_text(&path, uri, params.text_document.version, Arc::from(text))
        };
        self.schedule(todo);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return;
        };
        // Files on disk may have changed with the save: re-analyze the document and its users.
        let todo = {
            let mut st = self.shared.state();
            let rev = st.bump();
            let Some(doc) = st.docs.get_mut(&path) else {
                return;
            };
            doc.rev = rev;
            let mut todo = vec![path.clone()];
            todo.extend(st.dependents(&path));
            todo
        };
        self.schedule(todo);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return;
        };
        if let Ok(mut cache) = self.shared.semantic_tokens.lock() {
            cache.forget(&path);
        }
        let todo = {
            let mut st = self.shared.state();
            st.fs.remove(&path);
            if st.docs.remove(&path).is_none() {
                return;
            }
            // Documents that read it now read the disk.
            st.dependents(&path)
        };
        self.schedule(todo);
        let _order = self.shared.publish.lock().await;
        self.shared
            .client
            .publish_diagnostics(params.text_document.uri, Vec::new(), None)
            .await;
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, _)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        blocking(move || {
            let symbols = ide::document_symbols(&analysis);
            Some(DocumentSymbolResponse::Nested(convert::document_symbols(
                &analysis, &symbols,
            )))
        })
        .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let Some(path) = convert::path_of(&at.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, _)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        blocking(move || {
            let doc = analysis.file?;
            let offset = convert::LineMap::new(&analysis.sources.get(doc).text).offset(at.position);
            let items = ide::completions_at(&analysis, offset);
            (!items.is_empty()).then(|| CompletionResponse::Array(convert::completions(items)))
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let Some(path) = convert::path_of(&at.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, _)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        blocking(move || {
            let doc = analysis.file?;
            let offset = convert::LineMap::new(&analysis.sources.get(doc).text).offset(at.position);
            let h = ide::hover_at(&analysis, offset)?;
            Some(convert::hover(&analysis, &h))
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, _)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        let range = params.range;
        blocking(move || {
            let actions = convert::code_actions(&analysis, range);
            (!actions.is_empty()).then_some(actions)
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let Some(path) = convert::path_of(&at.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, fs)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        let links = self.shared.link_support.load(Ordering::Relaxed);
        blocking(move || {
            let doc = analysis.file?;
            let offset = convert::LineMap::new(&analysis.sources.get(doc).text).offset(at.position);
            let target = ide::definition_at(&analysis, &fs, offset)?;
            let link = convert::location_link(&analysis, &target)?;
            Some(if links {
                GotoDefinitionResponse::Link(vec![link])
            } else {
                GotoDefinitionResponse::Scalar(Location::new(
                    link.target_uri,
                    link.target_selection_range,
                ))
            })
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let Some(path) = convert::path_of(&at.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, fs)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        let with_declaration = params.context.include_declaration;
        blocking(move || {
            let offset = convert::offset_in(&analysis, at.position)?;
            let (index, refs) = ide::references_at(&fs, &analysis, offset)?;
            let occurrences: Vec<ide::Occurrence> = refs
                .occurrences
                .into_iter()
                .filter(|o| with_declaration || !o.definition)
                .collect();
            Some(convert::locations(&index.sources, &occurrences))
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let at = params.text_document_position_params;
        let Some(path) = convert::path_of(&at.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, _)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        blocking(move || {
            let offset = convert::offset_in(&analysis, at.position)?;
            let occurrences = ide::highlights_at(&analysis, offset);
            (!occurrences.is_empty()).then(|| convert::highlights(&analysis, &occurrences))
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, fs)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        blocking(move || {
            let Some(offset) = convert::offset_in(&analysis, params.position) else {
                return Ok(None);
            };
            match ide::prepare_rename_at(&fs, &analysis, offset) {
                Ok(Some((span, name))) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
                    range: convert::range_in(&analysis.sources, span),
                    placeholder: name,
                })),
                Ok(None) => Ok(None),
                Err(e) => Err(Error::invalid_params(e.to_string())),
            }
        })
        .await?
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let Some(path) = convert::path_of(&at.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, fs)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        let new_name = params.new_name;
        blocking(move || {
            let Some(offset) = convert::offset_in(&analysis, at.position) else {
                return Ok(None);
            };
            match ide::rename_at(&fs, &analysis, offset, &new_name) {
                Ok((index, edits)) => Ok(Some(convert::workspace_edit(&index.sources, &edits))),
                Err(e) => Err(Error::invalid_params(e.to_string())),
            }
        })
        .await?
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, _)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        blocking(move || Some(convert::folding_ranges(&ide::folding_ranges(&analysis)))).await
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, _)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        blocking(move || {
            let offsets: Vec<u32> = params
                .positions
                .iter()
                .filter_map(|p| convert::offset_in(&analysis, *p))
                .collect();
            let chains = ide::selection_ranges(&analysis, &offsets);
            Some(convert::selection_ranges(&analysis, &chains))
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, _)) = self.shared.analysis(path.clone()).await? else {
            return Ok(None);
        };
        let shared = self.shared.clone();
        blocking(move || {
            let tokens = ide::semantic_tokens(&analysis);
            let tokens = convert::semantic_tokens(&analysis, &tokens);
            let mut cache = shared
                .semantic_tokens
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            Some(SemanticTokensResult::Tokens(cache.full(&path, tokens)))
        })
        .await
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, _)) = self.shared.analysis(path.clone()).await? else {
            return Ok(None);
        };
        let shared = self.shared.clone();
        let previous = params.previous_result_id;
        blocking(move || {
            let tokens = ide::semantic_tokens(&analysis);
            let tokens = convert::semantic_tokens(&analysis, &tokens);
            let mut cache = shared
                .semantic_tokens
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            Some(cache.delta(&path, &previous, tokens))
        })
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let roots = self.shared.project_roots();
        let fs = self.shared.state().fs.clone();
        let query = params.query;
        blocking(move || {
            let mut out: Vec<WorkspaceSymbol> = Vec::new();
            for root in roots {
                let index = ide::ProjectIndex::load(&fs, &root, &[]);
                let found = ide::workspace_symbols(&index, &query);
                for s in convert::workspace_symbols(&index.sources, &found) {
                    if out.len() >= MAX_WORKSPACE_SYMBOLS {
                        break;
                    }
                    if !out
                        .iter()
                        .any(|o| o.location == s.location && o.name == s.name)
                    {
                        out.push(s);
                    }
                }
            }
            Some(WorkspaceSymbolResponse::Nested(out))
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return Ok(None);
        };
        let Some((analysis, _)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        let now = self.shared.now();
        blocking(move || {
            let hints = ide::inlay_hints(&analysis, now);
            Some(convert::inlay_hints(&analysis, &hints, params.range))
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        let Some(path) = convert::path_of(&uri) else {
            return Ok(None);
        };
        if ide::document_kind(&path) != ide::DocumentKind::Workflow {
            return Ok(None);
        }
        let Some((analysis, _)) = self.shared.analysis(path).await? else {
            return Ok(None);
        };
        Ok(analysis.model.is_some().then(|| convert::code_lenses(&uri)))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command != convert::PLAN_COMMAND {
            return Err(Error::invalid_params(format!(
                "unknown command `{}` (the server runs `{}`)",
                params.command,
                convert::PLAN_COMMAND
            )));
        }
        let uri = params
            .arguments
            .first()
            .and_then(|a| a.as_str())
            .and_then(|u| u.parse::<Uri>().ok())
            .ok_or_else(|| Error::invalid_params("wf.plan takes the workflow's URI"))?;
        let path = convert::path_of(&uri)
            .ok_or_else(|| Error::invalid_params("wf.plan takes a file: URI"))?;
        let Some((analysis, _)) = self.shared.analysis(path).await? else {
            return Err(Error::invalid_params("the workflow could not be read"));
        };
        let now = self.shared.now();
        let fs = self.shared.state().fs.clone();
        let text = blocking(move || ide::plan_text(&fs, &analysis, now, 5)).await?;
        match text {
            Some(t) => Ok(Some(LSPAny::String(t))),
            None => Err(Error::invalid_params("not a workflow (.dig) file")),
        }
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return Err(Error::invalid_params("not a file: URI"));
        };
        let rev = self.shared.revision(&path);
        let result_id = rev.map(|r| r.to_string());
        if result_id.is_some() && params.previous_result_id == result_id {
            return Ok(DocumentDiagnosticReportResult::Report(
                DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                    related_documents: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                        result_id: result_id.unwrap_or_default(),
                    },
                }),
            ));
        }
        let items = match self.shared.analysis(path).await? {
            Some((analysis, _)) => blocking(move || convert::diagnostics(&analysis)).await?,
            None => Vec::new(),
        };
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items },
            }),
        ))
    }
}

/// Drops its value on a blocking thread when it goes out of scope.
struct FreeLater<T: Send + 'static>(Option<T>);

impl<T: Send + 'static> Drop for FreeLater<T> {
    fn drop(&mut self) {
        if let Some(v) = self.0.take() {
            tokio::task::spawn_blocking(move || drop(v));
        }
    }
}
