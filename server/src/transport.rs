//! A guard in front of tower-lsp-server's reader.
//!
//! tower-lsp-server stops reading (and so the server stops) after the first message it cannot
//! decode: a body that is not JSON, not a JSON-RPC message, not UTF-8, or a header block
//! without `Content-Length`. [`pump`] re-frames the client's byte stream and passes only
//! well-formed messages on: a broken request that has an `id` becomes a `wf/invalidRequest`
//! request with that id (answered with an "Invalid request" error), any other broken message
//! becomes an ignored `$/wf/invalidMessage` notification, and header garbage is skipped.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// The method a broken request with an id is renamed to.
pub const INVALID_REQUEST: &str = "wf/invalidRequest";

/// Longest header line read; longer lines are skipped.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// Copies JSON-RPC messages from `input` to `output`, repairing or dropping broken ones (see
/// the module docs). Returns at the end of `input` or when `output` is closed.
pub async fn pump<R: AsyncRead + Unpin, W: AsyncWrite + Unpin>(input: R, mut output: W) {
    let mut reader = BufReader::new(input);
    loop {
        let Some(len) = read_headers(&mut reader).await else {
            return;
        };
        let Some(len) = len else {
            continue;
        };
        let mut body = Vec::new();
        // `take` keeps a huge announced length from allocating before the bytes arrive.
        match (&mut reader).take(len as u64).read_to_end(&mut body).await {
            Ok(n) if n == len => {}
            _ => return,
        }
        let body = repair(body);
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
            || output.flush().await.is_err()
        {
            return;
        }
    }
}

/// Reads one header block. `None` at the end of the input; `Some(None)` when the block has no
/// valid `Content-Length` (it is skipped).
async fn read_headers<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Option<Option<usize>> {
    let mut len = None;
    let mut seen_header = false;
    loop {
        let mut line = Vec::new();
        let n = (&mut *reader)
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)
            .await
            .ok()?;
        if n == 0 {
            return None;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if seen_header {
                return Some(len);
            }
            continue; // blank lines between messages
        }
        seen_header = true;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                len = value.trim().parse::<usize>().ok();
            }
        }
    }
}

/// The body itself when tower-lsp-server can decode it, else a stand-in message.
fn repair(body: Vec<u8>) -> Vec<u8> {
    if serde_json::from_slice::<Request>(&body).is_ok()
        || serde_json::from_slice::<Response>(&body).is_ok()
    {
        return body;
    }
    let id = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("id").cloned())
        .filter(|id| id.is_number() || id.is_string());
    let msg = match id {
        Some(id) => json!({ "jsonrpc": "2.0", "id": id, "method": INVALID_REQUEST }),
        None => json!({ "jsonrpc": "2.0", "method": "$/wf/invalidMessage" }),
    };
    msg.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(input: &[u8]) -> String {
        let mut out = Vec::new();
        pump(input, &mut out).await;
        String::from_utf8(out).unwrap()
    }

    #[tokio::test]
    async fn passes_good_messages_and_repairs_broken_ones() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = format!(
            "Content-Length: {}\r\n\r\n{good}\
             Content-Length: 9\r\n\r\n{{notjson}}\
             Content-Length: 9\r\n\r\n{{\"id\": 7}}\
             X-Garbage\r\n\r\n\
             content-length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=latin1\r\n\r\n{good}\
             Content-Length: 2\r\n\r\n",
            good.len(),
            good.len()
        );
        let mut input = input.into_bytes();
        input.extend_from_slice(b"\xff\xfe");
        let out = run(&input).await;
        let bodies: Vec<&str> = out
            .split("Content-Length: ")
            .skip(1)
            .map(|m| m.split_once("\r\n\r\n").unwrap().1)
            .collect();
        assert_eq!(
            bodies,
            [
                good,
                r#"{"jsonrpc":"2.0","method":"$/wf/invalidMessage"}"#,
                r#"{"id":7,"jsonrpc":"2.0","method":"wf/invalidRequest"}"#,
                good,
                r#"{"jsonrpc":"2.0","method":"$/wf/invalidMessage"}"#,
            ]
        );
    }

    #[tokio::test]
    async fn stops_at_a_truncated_body_or_a_huge_length() {
        assert_eq!(run(b"Content-Length: 100\r\n\r\n{}").await, "");
        assert_eq!(run(b"Content-Length: 99999999999999\r\n\r\n{}").await, "");
    }
}
