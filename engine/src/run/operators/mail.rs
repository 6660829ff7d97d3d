//! `mail>` (semantics §2.3), as digdag's `MailOperatorFactory` sends mail: the body from the
//! `_command` file (template-evaluated), `{data: TEXT}` or `body`; `subject`, `to`, `cc`,
//! `bcc`, `from`, `html`, `attach_files`; SMTP settings from the `mail.*` secrets first,
//! then the parameters (`host`, `port`, `username`, `tls` (true), `ssl` (false),
//! `connect_timeout` (60 s), `socket_timeout` (180 s)); the password only from the secret
//! `mail.password`.
//!
//! `tls: true` is JavaMail's `starttls.enable`: STARTTLS is used when the server offers it,
//! and the session stays plain otherwise. `ssl: true` speaks TLS from the start (SMTPS).
//! Certificates are checked against the Mozilla root store (`webpki-roots`). digdag's
//! system SMTP configuration (`config.mail.*`) does not exist in `wf run`: without a host
//! the task fails with `Missing SMTP configuration`.

use super::conf::{
    base64, bool_or, duration_or, opt_int, opt_str, project_file, req_str, str_list,
    template_command,
};
use super::{OperatorContext, OperatorError, TaskResult};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

/// The SMTP server to use.
struct SmtpConfig {
    host: String,
    port: u16,
    starttls: bool,
    ssl: bool,
    username: Option<String>,
    password: Option<String>,
    connect_timeout: Duration,
    socket_timeout: Duration,
}

/// One attachment.
struct Attachment {
    path: std::path::PathBuf,
    filename: String,
    content_type: String,
}

pub(super) fn mail(ctx: &OperatorContext) -> Result<TaskResult, OperatorError> {
    let body = template_command(ctx, "body", ctx.param("body"))?;
    let subject = req_str(ctx.param("subject"), "subject")?;
    let to = str_list(ctx.param("to"), "to")?;
    if to.is_empty() {
        return Err(super::conf::missing("to"));
    }
    let cc = str_list(ctx.param("cc"), "cc")?;
    let bcc = str_list(ctx.param("bcc"), "bcc")?;
    let html = bool_or(ctx.param("html"), "html", false)?;
    let from = req_str(ctx.param("from"), "from")?;
    let attachments = attachments(ctx)?;
    let smtp = smtp_config(ctx)?;

    let from_addr = parse_address(&from)?;
    let recipients: Vec<Address> = to
        .iter()
        .chain(&cc)
        .chain(&bcc)
        .map(|a| parse_address(a))
        .collect::<Result<_, _>>()?;
    let to_addrs: Vec<Address> = to
        .iter()
        .map(|a| parse_address(a))
        .collect::<Result<_, _>>()?;
    let cc_addrs: Vec<Address> = cc
        .iter()
        .map(|a| parse_address(a))
        .collect::<Result<_, _>>()?;

    let message = build_message(
        &from_addr,
        &to_addrs,
        &cc_addrs,
        &subject,
        &body,
        html,
        &attachments,
    )?;
    send(ctx, &smtp, &from_addr.addr, &recipients, &message)?;
    (ctx.log)(&format!(
        "Sent mail to {} recipient(s) via {}:{}",
        recipients.len(),
        smtp.host,
        smtp.port
    ));
    Ok(TaskResult::default())
}

/// The user SMTP configuration: each value from the `mail.*` secret first, then the
/// parameter (digdag's `userSmtpConfig`).
fn smtp_config(ctx: &OperatorContext) -> Result<SmtpConfig, OperatorError> {
    let secret = |k: &str| ctx.secrets.get(&format!("mail.{k}")).map(str::to_string);
    let host = match secret("host") {
        Some(h) => h,
        None => opt_str(ctx.param("host"), "host")?.ok_or_else(|| {
            OperatorError::runtime(
                "Missing SMTP configuration (set the host and port parameters, or the mail.host and mail.port secrets)",
            )
        })?,
    };
    if opt_str(ctx.param("password"), "password")?.is_some() {
        (ctx.log)("Unsecure 'password' parameter is deprecated.");
    }
    let port = match secret("port") {
        Some(p) => p
            .trim()
            .parse::<i64>()
            .map_err(|_| OperatorError::config(format!("Invalid mail.port secret: {p}")))?,
        None => opt_int(ctx.param("port"), "port")?.ok_or_else(|| super::conf::missing("port"))?,
    };
    let port = u16::try_from(port)
        .map_err(|_| OperatorError::config(format!("Invalid SMTP port: {port}")))?;
    let flag = |k: &str, default: bool| -> Result<bool, OperatorError> {
        match secret(k) {
            Some(v) => Ok(v.trim().eq_ignore_ascii_case("true")),
            None => bool_or(ctx.param(k), k, default),
        }
    };
    let starttls = flag("tls", true)?;
    let ssl = flag("ssl", false)?;
    let username = match secret("username") {
        Some(u) => Some(u),
        None => opt_str(ctx.param("username"), "username")?,
    };
    Ok(SmtpConfig {
        host,
        port,
        starttls,
        ssl,
        username,
        password: secret("password"),
        connect_timeout: duration_or(
            ctx.param("connect_timeout"),
            "connect_timeout",
            Duration::from_secs(60),
        )?,
        socket_timeout: duration_or(
            ctx.param("socket_timeout"),
            "socket_timeout",
            Duration::from_secs(180),
        )?,
    })
}

fn attachments(ctx: &OperatorContext) -> Result<Vec<Attachment>, OperatorError> {
    let Some(list) = ctx.param("attach_files").filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let items = list.as_array().ok_or_else(|| {
        OperatorError::config(format!(
            "Expected array for key 'attach_files' but got {} ({})",
            list.to_json(),
            list.type_word()
        ))
    })?;
    items
        .iter()
        .map(|item| {
            let o = item.as_object().ok_or_else(|| {
                OperatorError::config(format!(
                    "Expected object for an element of 'attach_files' but got {}",
                    item.to_json()
                ))
            })?;
            let path = req_str(o.get("path"), "path")?;
            let filename = match opt_str(o.get("filename"), "filename")? {
                Some(f) => f,
                None => path.rsplit('/').next().unwrap_or(&path).to_string(),
            };
            let content_type = opt_str(o.get("content_type"), "content_type")?
                .unwrap_or_else(|| "application/octet-stream".into());
            Ok(Attachment {
                path: project_file(ctx, &path)?,
                filename,
                content_type,
            })
        })
        .collect()
}

/// A mail address: what the header shows and the bare address for the envelope.
#[derive(Clone, Debug, PartialEq)]
struct Address {
    display: String,
    addr: String,
}

/// `user@example.com` or `Name <user@example.com>`.
fn parse_address(s: &str) -> Result<Address, OperatorError> {
    let t = s.trim();
    let invalid = || OperatorError::config(format!("Invalid address: {s}"));
    let (name, addr) = match t.find('<') {
        Some(open) => {
            let inner = t[open + 1..].strip_suffix('>').ok_or_else(invalid)?;
            (t[..open].trim().trim_matches('"').trim(), inner.trim())
        }
        None => ("", t),
    };
    if addr.is_empty()
        || addr
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '<' | '>' | ',' | '"' | '(' | ')'))
    {
        return Err(invalid());
    }
    let display = if name.is_empty() {
        addr.to_string()
    } else if name.is_ascii() {
        format!("\"{}\" <{addr}>", name.replace('"', ""))
    } else {
        format!("{} <{addr}>", encoded_word(name))
    };
    Ok(Address {
        display,
        addr: addr.to_string(),
    })
}

/// RFC 2047 `=?UTF-8?B?...?=` words (folded), for non-ASCII header text.
fn encoded_word(text: &str) -> String {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

/// Body text with CRLF line ends, and its transfer encoding: `7bit` for short ASCII lines,
/// else `base64`.
fn encode_body(text: &str) -> (String, &'static str) {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    if crlf.is_ascii() && crlf.split("\r\n").all(|l| l.len() <= 998) {
        (crlf, "7bit")
    } else {
        (wrap76(&base64(crlf.as_bytes())), "base64")
    }
}

fn wrap76(b64: &str) -> String {
    b64.as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn build_message(
    from: &Address,
    to: &[Address],
    cc: &[Address],
    subject: &str,
    body: &str,
    html: bool,
    attachments: &[Attachment],
) -> Result<String, OperatorError> {
    let mut m = String::new();
    let date = jiff::Zoned::now().strftime("%a, %d %b %Y %H:%M:%S %z");
    m.push_str(&format!("Date: {date}\r\n"));
    m.push_str(&format!("From: {}\r\n", from.display));
    m.push_str(&format!("Sender: {}\r\n", from.display));
    let list = |a: &[Address]| {
        a.iter()
            .map(|x| x.display.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    m.push_str(&format!("To: {}\r\n", list(to)));
    if !cc.is_empty() {
        m.push_str(&format!("Cc: {}\r\n", list(cc)));
    }
    m.push_str(&format!(
        "Message-ID: <{}@wf.local>\r\n",
        crate::run::new_uuid()
    ));
    let subject = if subject.is_ascii() {
        subject.replace(['\r', '\n'], " ")
    } else {
        encoded_word(subject)
    };
    m.push_str(&format!("Subject: {subject}\r\n"));
    m.push_str("MIME-Version: 1.0\r\n");
    let text_type = format!(
        "text/{}; charset=utf-8",
        if html { "html" } else { "plain" }
    );
    let (encoded, cte) = encode_body(body);
    if attachments.is_empty() {
        m.push_str(&format!("Content-Type: {text_type}\r\n"));
        m.push_str(&format!("Content-Transfer-Encoding: {cte}\r\n\r\n"));
        m.push_str(&encoded);
        m.push_str("\r\n");
        return Ok(m);
    }
    let boundary = format!("----=_Part_wf_{}", crate::run::new_uuid());
    m.push_str(&format!(
        "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
    ));
    m.push_str(&format!("--{boundary}\r\n"));
    m.push_str(&format!("Content-Type: {text_type}\r\n"));
    m.push_str(&format!("Content-Transfer-Encoding: {cte}\r\n\r\n"));
    m.push_str(&encoded);
    m.push_str("\r\n");
    for a in attachments {
        let bytes = std::fs::read(&a.path)
            .map_err(|e| OperatorError::runtime(format!("{}: {e}", a.path.display())))?;
        let name = if a.filename.is_ascii() {
            format!("\"{}\"", a.filename.replace('"', ""))
        } else {
            encoded_word(&a.filename)
        };
        m.push_str(&format!("--{boundary}\r\n"));
        m.push_str(&format!(
            "Content-Type: {}; name={name}\r\n",
            a.content_type
        ));
        m.push_str("Content-Transfer-Encoding: base64\r\n");
        m.push_str(&format!(
            "Content-Disposition: attachment; filename={name}\r\n\r\n"
        ));
        m.push_str(&wrap76(&base64(&bytes)));
        m.push_str("\r\n");
    }
    m.push_str(&format!("--{boundary}--\r\n"));
    Ok(m)
}

// ---------------------------------------------------------------------------------------
// SMTP

enum Stream {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// Extra trusted certificates for tests (a local TLS server's self-signed certificate).
#[cfg(test)]
static TEST_ROOTS: std::sync::Mutex<Vec<rustls::pki_types::CertificateDer<'static>>> =
    std::sync::Mutex::new(Vec::new());

fn tls_wrap(tcp: TcpStream, host: &str) -> Result<Stream, OperatorError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    #[cfg(test)]
    for c in TEST_ROOTS.lock().map(|r| r.clone()).unwrap_or_default() {
        let _ = roots.add(c);
    }
    // The ring provider (as ureq uses it); its post-quantum key exchange is not needed here.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| OperatorError::runtime(format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|e| OperatorError::config(format!("Invalid SMTP host name {host}: {e}")))?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name)
        .map_err(|e| OperatorError::runtime(format!("TLS setup failed: {e}")))?;
    let mut stream = rustls::StreamOwned::new(conn, tcp);
    // Complete the handshake now, so a failure names TLS.
    while stream.conn.is_handshaking() {
        stream.conn.complete_io(&mut stream.sock).map_err(|e| {
            OperatorError::runtime(format!("TLS handshake with {host} failed: {e}"))
        })?;
    }
    Ok(Stream::Tls(Box::new(stream)))
}

struct Smtp {
    stream: Stream,
    buf: Vec<u8>,
    host: String,
}

/// A server reply: its code and text lines.
struct Reply {
    code: u16,
    lines: Vec<String>,
}

impl Reply {
    fn text(&self) -> String {
        format!("{} {}", self.code, self.lines.join(" / "))
    }
}

impl Smtp {
    fn io(&self, e: std::io::Error) -> OperatorError {
        OperatorError::runtime(format!("SMTP connection to {} failed: {e}", self.host))
    }

    fn read_line(&mut self) -> Result<String, OperatorError> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=i).collect();
                return Ok(String::from_utf8_lossy(&line)
                    .trim_end_matches(['\r', '\n'])
                    .to_string());
            }
            if self.buf.len() > 64 * 1024 {
                return Err(OperatorError::runtime("SMTP reply line too long"));
            }
            let mut chunk = [0u8; 4096];
            let n = match self.stream.read(&mut chunk) {
                Ok(n) => n,
                Err(e) => return Err(self.io(e)),
            };
            if n == 0 {
                return Err(OperatorError::runtime(format!(
                    "SMTP connection to {} closed unexpectedly",
                    self.host
                )));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    fn reply(&mut self) -> Result<Reply, OperatorError> {
        let mut lines = Vec::new();
        for _ in 0..1000 {
            let line = self.read_line()?;
            let code = line
                .get(..3)
                .and_then(|c| c.parse::<u16>().ok())
                .ok_or_else(|| OperatorError::runtime(format!("Invalid SMTP reply: {line}")))?;
            let more = line.as_bytes().get(3) == Some(&b'-');
            lines.push(line.get(4..).unwrap_or("").to_string());
            if !more {
                return Ok(Reply { code, lines });
            }
        }
        Err(OperatorError::runtime("SMTP reply too long"))
    }

    fn send_line(&mut self, line: &str) -> Result<(), OperatorError> {
        let r = self
            .stream
            .write_all(format!("{line}\r\n").as_bytes())
            .and_then(|_| self.stream.flush());
        r.map_err(|e| self.io(e))
    }

    /// Sends `line`; the reply must have one of `ok` codes. `shown` replaces the line in
    /// messages (credentials).
    fn command(
        &mut self,
        line: &str,
        ok: &[u16],
        shown: Option<&str>,
    ) -> Result<Reply, OperatorError> {
        self.send_line(line)?;
        let reply = self.reply()?;
        if !ok.contains(&reply.code) {
            return Err(OperatorError::runtime(format!(
                "SMTP server {} rejected {}: {}",
                self.host,
                shown.unwrap_or(line),
                reply.text()
            )));
        }
        Ok(reply)
    }

    /// EHLO (HELO when refused); the extension keywords offered.
    fn hello(&mut self) -> Result<Vec<String>, OperatorError> {
        self.send_line("EHLO localhost")?;
        let reply = self.reply()?;
        if reply.code == 250 {
            return Ok(reply
                .lines
                .iter()
                .skip(1)
                .map(|l| l.to_ascii_uppercase())
                .collect());
        }
        self.command("HELO localhost", &[250], None)?;
        Ok(Vec::new())
    }
}

fn connect(smtp: &SmtpConfig) -> Result<TcpStream, OperatorError> {
    let addrs = (smtp.host.as_str(), smtp.port)
        .to_socket_addrs()
        .map_err(|e| OperatorError::runtime(format!("Unknown SMTP host {}: {e}", smtp.host)))?;
    let mut last = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, smtp.connect_timeout) {
            Ok(s) => {
                let _ = s.set_read_timeout(Some(smtp.socket_timeout));
                let _ = s.set_write_timeout(Some(smtp.socket_timeout));
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(OperatorError::runtime(format!(
        "Couldn't connect to host, port: {}, {}: {}",
        smtp.host,
        smtp.port,
        last.map_or_else(|| "no address".to_string(), |e| e.to_string())
    )))
}

fn send(
    ctx: &OperatorContext,
    smtp: &SmtpConfig,
    from: &str,
    recipients: &[Address],
    message: &str,
) -> Result<(), OperatorError> {
    let tcp = connect(smtp)?;
    let stream = if smtp.ssl {
        tls_wrap(tcp, &smtp.host)?
    } else {
        Stream::Plain(tcp)
    };
    let mut s = Smtp {
        stream,
        buf: Vec::new(),
        host: smtp.host.clone(),
    };
    let greeting = s.reply()?;
    if greeting.code != 220 {
        return Err(OperatorError::runtime(format!(
            "SMTP server {} refused the connection: {}",
            smtp.host,
            greeting.text()
        )));
    }
    let mut caps = s.hello()?;
    if smtp.starttls && !smtp.ssl && caps.iter().any(|c| c == "STARTTLS") {
        s.command("STARTTLS", &[220], None)?;
        let Stream::Plain(tcp) = s.stream else {
            return Err(OperatorError::runtime("STARTTLS on a TLS connection"));
        };
        s.stream = tls_wrap(tcp, &smtp.host)?;
        s.buf.clear();
        caps = s.hello()?;
    }
    if let Some(user) = &smtp.username {
        let mechanisms: Vec<&str> = caps
            .iter()
            .filter_map(|c| c.strip_prefix("AUTH").map(str::trim))
            .flat_map(|m| m.split_whitespace())
            .collect();
        let password = smtp.password.as_deref().unwrap_or("");
        if mechanisms.contains(&"PLAIN") {
            let token = base64(format!("\0{user}\0{password}").as_bytes());
            s.command(
                &format!("AUTH PLAIN {token}"),
                &[235],
                Some("AUTH PLAIN ***"),
            )?;
        } else if mechanisms.contains(&"LOGIN") {
            s.command("AUTH LOGIN", &[334], None)?;
            s.command(&base64(user.as_bytes()), &[334], Some("the user name"))?;
            s.command(&base64(password.as_bytes()), &[235], Some("the password"))?;
        } else if mechanisms.is_empty() {
            (ctx.log)(&format!(
                "SMTP server {} offers no authentication; sending without logging in",
                smtp.host
            ));
        } else {
            return Err(OperatorError::runtime(format!(
                "SMTP server {} offers no supported authentication mechanism (PLAIN, LOGIN): {}",
                smtp.host,
                mechanisms.join(" ")
            )));
        }
    }
    s.command(&format!("MAIL FROM:<{from}>"), &[250], None)?;
    for r in recipients {
        s.command(&format!("RCPT TO:<{}>", r.addr), &[250, 251], None)?;
    }
    s.command("DATA", &[354], None)?;
    let mut data = String::with_capacity(message.len() + 64);
    for line in message.split("\r\n") {
        if line.starts_with('.') {
            data.push('.');
        }
        data.push_str(line);
        data.push_str("\r\n");
    }
    // `message` ends with CRLF, so the split leaves an empty last piece.
    if data.ends_with("\r\n\r\n") {
        data.truncate(data.len() - 2);
    }
    data.push_str(".\r\n");
    let written = s
        .stream
        .write_all(data.as_bytes())
        .and_then(|_| s.stream.flush());
    written.map_err(|e| s.io(e))?;
    let reply = s.reply()?;
    if reply.code != 250 {
        return Err(OperatorError::runtime(format!(
            "SMTP server {} rejected the message: {}",
            smtp.host,
            reply.text()
        )));
    }
    let _ = s.command("QUIT", &[221], None);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::conf::testing::{ctx, temp_project};
    use super::super::test_server::{SmtpOptions, SmtpSink};
    use super::*;

    fn base_config(sink: &SmtpSink, extra: &str) -> String {
        format!(
            r#"{{"session_date": "2026-12-01", "timezone": "UTC",
                "mail": {{"from": "Workflow <wf@example.com>", "host": "127.0.0.1", "port": {}}}{}{extra}}}"#,
            sink.addr.port(),
            if extra.is_empty() { "" } else { ", " }
        )
    }

    #[test]
    fn sends_the_rendered_body_to_every_recipient() {
        let sink = SmtpSink::start(SmtpOptions::default());
        let root = temp_project("mail-plain");
        std::fs::write(root.join("body.txt"), "Hello ${session_date}\n.dot line\n").unwrap();
        let (c, log) = ctx(
            "mail",
            &base_config(
                &sink,
                r#""_command": "body.txt", "subject": "report ${session_date}",
                   "to": ["a@example.com", "b@example.com"], "cc": ["c@example.com"],
                   "bcc": "d@example.com""#,
            ),
            &[],
            &root,
        );
        mail(&c).unwrap();
        let mails = sink.mails();
        assert_eq!(mails.len(), 1);
        let m = &mails[0];
        assert_eq!(m.mail_from, "<wf@example.com>");
        assert_eq!(
            m.rcpt_to,
            [
                "<a@example.com>",
                "<b@example.com>",
                "<c@example.com>",
                "<d@example.com>"
            ]
        );
        // The subject is a parameter (evaluated by the executor, not here); the body file is
        // a template.
        assert!(
            m.data.contains("Subject: report ${session_date}\r\n"),
            "{}",
            m.data
        );
        assert!(m.data.contains("From: \"Workflow\" <wf@example.com>\r\n"));
        assert!(m.data.contains("To: a@example.com, b@example.com\r\n"));
        assert!(m.data.contains("Cc: c@example.com\r\n"));
        assert!(!m.data.contains("d@example.com"), "Bcc is not a header");
        assert!(m
            .data
            .contains("Content-Type: text/plain; charset=utf-8\r\n"));
        assert!(
            m.data
                .ends_with("\r\n\r\nHello 2026-12-01\r\n.dot line\r\n\r\n"),
            "{:?}",
            m.data
        );
        assert!(sink.commands().iter().all(|c| c != "STARTTLS"));
        assert_eq!(
            log.lock().unwrap().as_slice(),
            [format!(
                "Sent mail to 4 recipient(s) via 127.0.0.1:{}",
                sink.addr.port()
            )]
        );
    }

    #[test]
    fn inline_bodies_html_and_non_ascii_subjects() {
        let sink = SmtpSink::start(SmtpOptions::default());
        let root = temp_project("mail-inline");
        let send = |extra: &str| {
            let (c, _) = ctx("mail", &base_config(&sink, extra), &[], &root);
            mail(&c)
        };
        send(r#""_command": {"data": "<b>hi</b>"}, "html": true, "subject": "s", "to": "a@x.org""#)
            .unwrap();
        send(r#""body": "ünïcode", "subject": "Grüße", "to": "a@x.org""#).unwrap();
        let mails = sink.mails();
        assert!(mails[0]
            .data
            .contains("Content-Type: text/html; charset=utf-8\r\n"));
        assert!(mails[0].data.contains("\r\n\r\n<b>hi</b>\r\n"));
        assert!(
            mails[1]
                .data
                .contains("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"),
            "{}",
            mails[1].data
        );
        assert!(mails[1]
            .data
            .contains("Content-Transfer-Encoding: base64\r\n\r\nw7xuw69jb2Rl\r\n"));
        let e = send(r#""body": "x", "to": "a@x.org""#).unwrap_err();
        assert_eq!(e.message, "Parameter 'subject' is required but not set");
        let e = send(r#""body": "x", "subject": "s", "to": "not an address""#).unwrap_err();
        assert!(e.config_error);
        assert_eq!(e.message, "Invalid address: not an address");
    }

    #[test]
    fn starttls_is_used_when_offered_unless_tls_is_false() {
        let sink = SmtpSink::start(SmtpOptions {
            starttls: true,
            ..SmtpOptions::default()
        });
        let root = temp_project("mail-tls");
        let send = |extra: &str| {
            let (c, _) = ctx(
                "mail",
                &base_config(
                    &sink,
                    &format!(r#""body": "b", "subject": "s", "to": "a@x.org"{extra}"#),
                ),
                &[],
                &root,
            );
            mail(&c)
        };
        // The sink cannot speak TLS: the handshake fails after STARTTLS.
        let e = send("").unwrap_err();
        assert!(
            e.message.starts_with("TLS handshake with 127.0.0.1 failed"),
            "{}",
            e.message
        );
        assert!(sink.commands().contains(&"STARTTLS".to_string()));
        send(r#", "tls": false"#).unwrap();
        assert_eq!(sink.mails().len(), 1);
    }

    /// A one-connection SMTP server that offers STARTTLS, upgrades with `cert`, then
    /// takes one message (AUTH PLAIN offered only after the upgrade). Returns the port and
    /// the commands it saw (TLS ones prefixed `tls:`).
    fn tls_sink(
        cert: rcgen::CertifiedKey,
        implicit: bool,
    ) -> (u16, std::thread::JoinHandle<Vec<String>>) {
        use std::io::{BufRead, BufReader};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let (tcp, _) = listener.accept().unwrap();
            tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
            #[allow(deprecated)]
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = Arc::new(
                rustls::ServerConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .unwrap()
                    .with_no_client_auth()
                    .with_single_cert(vec![cert.cert.der().clone()], key)
                    .unwrap(),
            );
            let mut seen = Vec::new();
            let upgrade = |tcp: TcpStream| {
                let conn = rustls::ServerConnection::new(config.clone()).unwrap();
                Box::new(rustls::StreamOwned::new(conn, tcp))
            };
            let mut stream: Box<dyn ReadWrite> = if implicit {
                upgrade(tcp)
            } else {
                let mut plain = BufReader::new(tcp);
                plain.get_mut().write_all(b"220 tls-sink\r\n").unwrap();
                loop {
                    let mut l = String::new();
                    plain.read_line(&mut l).unwrap();
                    seen.push(l.trim_end().to_string());
                    if l.starts_with("STARTTLS") {
                        plain.get_mut().write_all(b"220 go\r\n").unwrap();
                        break;
                    }
                    plain
                        .get_mut()
                        .write_all(b"250-tls-sink\r\n250 STARTTLS\r\n")
                        .unwrap();
                }
                upgrade(plain.into_inner())
            };
            // An untrusted certificate fails the handshake here.
            if implicit && stream.write_all(b"220 tls-sink\r\n").is_err() {
                return seen;
            }
            let mut reader = BufReader::new(stream.as_mut());
            let mut in_data = false;
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l).unwrap_or(0) == 0 {
                    break;
                }
                let l = l.trim_end().to_string();
                if in_data {
                    if l == "." {
                        in_data = false;
                        reader.get_mut().write_all(b"250 queued\r\n").unwrap();
                    }
                    continue;
                }
                seen.push(format!("tls:{l}"));
                let reply: &[u8] = if l.starts_with("EHLO") {
                    b"250-tls-sink\r\n250 AUTH PLAIN\r\n"
                } else if l.starts_with("AUTH") {
                    b"235 ok\r\n"
                } else if l == "DATA" {
                    in_data = true;
                    b"354 go\r\n"
                } else if l == "QUIT" {
                    reader.get_mut().write_all(b"221 bye\r\n").unwrap();
                    break;
                } else {
                    b"250 ok\r\n"
                };
                reader.get_mut().write_all(reply).unwrap();
            }
            seen
        });
        (port, handle)
    }

    trait ReadWrite: Read + Write {}
    impl<T: Read + Write> ReadWrite for T {}

    #[test]
    fn starttls_and_smtps_encrypt_the_session() {
        let root = temp_project("mail-real-tls");
        for implicit in [false, true] {
            let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
            TEST_ROOTS.lock().unwrap().push(cert.cert.der().clone());
            let (port, sink) = tls_sink(cert, implicit);
            let (c, _) = ctx(
                "mail",
                &format!(
                    r#"{{"body": "b", "subject": "s", "to": "a@x.org", "from": "f@x.org",
                        "host": "localhost", "port": {port}, "ssl": {implicit}, "username": "u"}}"#
                ),
                &[("mail.password", "p")],
                &root,
            );
            mail(&c).unwrap();
            let seen = sink.join().unwrap();
            let expected_auth = format!("tls:AUTH PLAIN {}", base64(b"\0u\0p"));
            let mut expected: Vec<String> = if implicit {
                vec![]
            } else {
                vec!["EHLO localhost".into(), "STARTTLS".into()]
            };
            expected.extend(
                [
                    "tls:EHLO localhost",
                    &expected_auth,
                    "tls:MAIL FROM:<f@x.org>",
                    "tls:RCPT TO:<a@x.org>",
                    "tls:DATA",
                    "tls:QUIT",
                ]
                .map(String::from),
            );
            assert_eq!(seen, expected);
        }
        // Not trusted: the handshake fails on the certificate.
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let (port, _sink) = tls_sink(cert, true);
        let (c, _) = ctx(
            "mail",
            &format!(
                r#"{{"body": "b", "subject": "s", "to": "a@x.org", "from": "f@x.org",
                    "host": "localhost", "port": {port}, "ssl": true}}"#
            ),
            &[],
            &root,
        );
        let e = mail(&c).unwrap_err();
        assert!(
            e.message.contains("invalid peer certificate"),
            "{}",
            e.message
        );
    }

    #[test]
    fn logs_in_with_the_secret_password_and_prefers_mail_secrets() {
        let sink = SmtpSink::start(SmtpOptions {
            auth: true,
            ..SmtpOptions::default()
        });
        let root = temp_project("mail-auth");
        let port = sink.addr.port().to_string();
        // The parameters point nowhere; the secrets win.
        let (c, log) = ctx(
            "mail",
            r#"{"body": "b", "subject": "s", "to": "a@x.org", "from": "f@x.org",
                "host": "unused.invalid", "port": 1, "username": "param-user", "password": "ignored"}"#,
            &[
                ("mail.host", "127.0.0.1"),
                ("mail.port", &port),
                ("mail.username", "alice"),
                ("mail.password", "pw"),
            ],
            &root,
        );
        mail(&c).unwrap();
        assert_eq!(sink.mails()[0].auth.as_deref(), Some("PLAIN alice pw"));
        assert!(log
            .lock()
            .unwrap()
            .contains(&"Unsecure 'password' parameter is deprecated.".to_string()));
    }

    #[test]
    fn attachments_are_base64_parts() {
        let sink = SmtpSink::start(SmtpOptions::default());
        let root = temp_project("mail-attach");
        std::fs::create_dir_all(root.join("out")).unwrap();
        std::fs::write(root.join("out/data.csv"), "a,b\n1,2\n").unwrap();
        let (c, _) = ctx(
            "mail",
            &base_config(
                &sink,
                r#""body": "see attached", "subject": "s", "to": "a@x.org",
                   "attach_files": [{"path": "out/data.csv", "content_type": "text/csv"}]"#,
            ),
            &[],
            &root,
        );
        mail(&c).unwrap();
        let data = &sink.mails()[0].data;
        assert!(data.contains("Content-Type: multipart/mixed; boundary="));
        assert!(data.contains(
            "Content-Type: text/csv; name=\"data.csv\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"data.csv\"\r\n\r\nYSxiCjEsMgo=\r\n"
        ), "{data}");
    }

    #[test]
    fn smtp_failures_are_reported() {
        let sink = SmtpSink::start(SmtpOptions {
            reject_rcpt: Some(550),
            ..SmtpOptions::default()
        });
        let root = temp_project("mail-fail");
        let (c, _) = ctx(
            "mail",
            &base_config(
                &sink,
                r#""body": "b", "subject": "s", "to": "nobody@x.org""#,
            ),
            &[],
            &root,
        );
        let e = mail(&c).unwrap_err();
        assert!(!e.config_error);
        assert_eq!(
            e.message,
            "SMTP server 127.0.0.1 rejected RCPT TO:<nobody@x.org>: 550 no such user"
        );
        let (c, _) = ctx(
            "mail",
            r#"{"body": "b", "subject": "s", "to": "a@x.org", "from": "f@x.org"}"#,
            &[],
            &root,
        );
        assert!(mail(&c)
            .unwrap_err()
            .message
            .starts_with("Missing SMTP configuration"));
    }
}
