//! [`Backend`]: document state and the LSP methods.
//!
//! Document texts live in an [`OverlayFileSystem`] over the base file system. `did_open` /
//! `did_change` / `did_close` update it synchronously, before any `.await`, because
//! tower-lsp-server runs up to four handlers at once: that keeps edits in order. Each change
//! bumps the document's revision (and those of the open documents that read it) and starts an
//! analysis in the background; an analysis whose revision is no longer current is dropped, so
//! the published diagnostics always belong to the latest text.

use crate::convert;
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
                    },
                );
            }
        }
        let mut out = vec![path.to_path_buf()];
        out.extend(self.dependents(path));
        out
    }

    /// Bumps and returns the open documents (other than `path`) whose analysis read `path`.
    fn dependents(&mut self, path: &Path) -> Vec<PathBuf> {
        let users: Vec<PathBuf> = self
            .docs
            .iter()
            .filter(|(p, d)| p.as_path() != path && d.deps.iter().any(|dep| dep == path))
            .map(|(p, _)| p.clone())
            .collect();
        for p in &users {
            let rev = self.bump();
            if let Some(d) = self.docs.get_mut(p) {
                d.rev = rev;
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

    /// Records an analysis if it is still current.
    fn store(&self, path: &Path, rev: u64, analysis: &Arc<DocumentAnalysis>) -> bool {
        let mut st = self.state();
        let Some(doc) = st.docs.get_mut(path) else {
            return false;
        };
        if doc.rev != rev {
            return false;
        }
        doc.deps = analysis
            .sources
            .iter()
            .map(|(_, f)| wf_engine::load::normalize_path(&f.path))
            .filter(|p| p != path)
            .collect();
        doc.analysis = Some((rev, analysis.clone()));
        true
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
            let analysis = Arc::new(ide::analyze_document(&snap.fs, &snap.path));
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
        if let Some(a) = &analysis {
            if !self.store(&snap.path, snap.rev, a) {
                return;
            }
        }
        let (uri, version) = {
            let st = self.state();
            match st.docs.get(&snap.path) {
                Some(d) if d.rev == snap.rev => (d.uri.clone(), d.version),
                _ => return,
            }
        };
        self.client
            .publish_diagnostics(uri, diagnostics, Some(version))
            .await;
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
            let analysis = Arc::new(ide::analyze_document(&fs, &path));
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

    /// The capabilities this server offers.
    pub fn capabilities() -> ServerCapabilities {
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
            ..Default::default()
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let links = params
            .capabilities
            .text_document
            .and_then(|t| t.definition)
            .and_then(|d| d.link_support)
            .unwrap_or(false);
        self.shared.link_support.store(links, Ordering::Relaxed);
        Ok(InitializeResult {
            capabilities: Backend::capabilities(),
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
}
