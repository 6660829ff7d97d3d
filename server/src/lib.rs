//! `wf-server`: the language server face of `wf-engine` (`wf lsp`).
//!
//! [`Backend`] implements the LSP methods on top of [`wf_engine::ide`]; [`convert`] is the only
//! module that converts between engine and LSP types. Run it with [`run_stdio`], or
//! [`serve`] it over any byte streams (tests use in-memory pipes).

pub mod convert;
mod server;
mod transport;

pub use server::{Backend, MAX_DOCUMENT_BYTES};

use std::sync::Arc;
use tower_lsp_server::{LspService, Server};
use wf_engine::load::{DiskFileSystem, FileSystem};

/// Serves the language server on `input` / `output` until the client exits. Files that are not
/// open in the editor are read from `base` (the disk in `wf lsp`).
pub async fn serve<I, O>(input: I, output: O, base: Arc<dyn FileSystem + Send + Sync>)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = LspService::build(|client| Backend::new(client, base))
        .custom_method(transport::INVALID_REQUEST, Backend::invalid_request)
        .custom_method("wf/documentText", Backend::document_text)
        .finish();
    // Messages go through `transport::pump`, which keeps malformed input from stopping the
    // server, on an in-process pipe.
    let (server_input, pump_output) = tokio::io::duplex(1 << 16);
    let pump = transport::pump(input, pump_output);
    let server = Server::new(server_input, output, socket).serve(service);
    tokio::pin!(pump, server);
    tokio::select! {
        _ = &mut server => {}
        // The client's input ended: the server reads what is left in the pipe, then stops.
        _ = &mut pump => server.await,
    }
}

/// The server's runtime: analyses run on at most [`ANALYSIS_THREADS`] blocking threads (they
/// are CPU-bound; more threads only add memory: each can hold an allocator arena of its own).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(ANALYSIS_THREADS)
        .enable_all()
        .build()
}

/// Blocking threads of [`runtime`].
pub const ANALYSIS_THREADS: usize = 4;

/// Runs the language server on standard input and output (`wf lsp`).
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = runtime()?;
    runtime.block_on(serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        Arc::new(DiskFileSystem),
    ));
    // Do not wait for the blocked read of stdin (or running analyses) after `exit`.
    runtime.shutdown_background();
    Ok(())
}
