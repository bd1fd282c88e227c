//! An SMTP server on loopback, for the e-mail reminders: it speaks enough of RFC 5321 for a real
//! client (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps every message it accepts, and answers
//! a recipient as told: accepted, a temporary failure (451) or a permanent one (550).
//!
//! Shared by the `push` and `api` test binaries.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpMode {
    Accept,
    /// 451 to every recipient: try again later.
    TryLater,
    /// 550 to every recipient: no such mailbox.
    NoSuchMailbox,
}

/// One message as it arrived: the envelope and the raw message (headers and body).
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl Mail {
    /// The message parsed: its decoded subject and plain-text body.
    pub fn subject_and_body(&self) -> (String, String) {
        let parsed = mailparse::parse_mail(self.data.as_bytes()).expect("a well-formed message");
        let subject = parsed
            .headers
            .iter()
            .find(|h| h.get_key_ref().eq_ignore_ascii_case("subject"))
            .map(|h| h.get_value())
            .unwrap_or_default();
        (subject, parsed.get_body().expect("a readable body"))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let parsed = mailparse::parse_mail(self.data.as_bytes()).ok()?;
        parsed
            .headers
            .iter()
            .find(|h| h.get_key_ref().eq_ignore_ascii_case(name))
            .map(|h| h.get_value())
    }
}

#[derive(Clone)]
pub struct SmtpReceiver {
    port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    mode: Arc<Mutex<SmtpMode>>,
}

impl SmtpReceiver {
    /// Listens on 127.0.0.1 on a free port.
    pub async fn start() -> SmtpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let port = listener.local_addr().expect("local address").port();
        let receiver = SmtpReceiver {
            port,
            mails: Arc::default(),
            mode: Arc::new(Mutex::new(SmtpMode::Accept)),
        };
        let serving = receiver.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let session = serving.clone();
                tokio::spawn(async move { session.serve(socket).await });
            }
        });
        receiver
    }

    /// The URL the app's `--smtp-url` takes: plain SMTP on loopback.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn set_mode(&self, mode: SmtpMode) {
        *self.mode.lock().expect("mode") = mode;
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().expect("mails").clone()
    }

    async fn serve(self, socket: tokio::net::TcpStream) {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read);
        let mut say = async |text: &str| write.write_all(format!("{text}\r\n").as_bytes()).await.is_ok();
        if !say("220 127.0.0.1 ESMTP yorisoi-test").await {
            return;
        }
        let (mut from, mut to) = (String::new(), Vec::new());
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let command = line.trim_end().to_owned();
            let verb = command
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            let reply = match verb.as_str() {
                "EHLO" => "250-127.0.0.1\r\n250-8BITMIME\r\n250 SMTPUTF8".to_owned(),
                "HELO" | "NOOP" => "250 OK".to_owned(),
                "RSET" => {
                    (from, to) = (String::new(), Vec::new());
                    "250 OK".to_owned()
                }
                "MAIL" => {
                    from = address(&command);
                    "250 OK".to_owned()
                }
                "RCPT" => match *self.mode.lock().expect("mode") {
                    SmtpMode::Accept => {
                        to.push(address(&command));
                        "250 OK".to_owned()
                    }
                    SmtpMode::TryLater => "451 4.3.0 try again later".to_owned(),
                    SmtpMode::NoSuchMailbox => "550 5.1.1 no such mailbox".to_owned(),
                },
                "DATA" if to.is_empty() => "503 5.5.1 no valid recipients".to_owned(),
                "DATA" => {
                    if !say("354 end with <CRLF>.<CRLF>").await {
                        return;
                    }
                    let mut data = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if line == ".\r\n" || line == ".\n" {
                            break;
                        }
                        // Dot-stuffing (RFC 5321 §4.5.2).
                        data.push_str(line.strip_prefix('.').unwrap_or(&line));
                    }
                    self.mails.lock().expect("mails").push(Mail {
                        from: std::mem::take(&mut from),
                        to: std::mem::take(&mut to),
                        data,
                    });
                    "250 OK queued".to_owned()
                }
                "QUIT" => {
                    say("221 bye").await;
                    return;
                }
                _ => "502 5.5.2 command not implemented".to_owned(),
            };
            if !say(&reply).await {
                return;
            }
        }
    }
}

/// The address in `MAIL FROM:<a@b>` or `RCPT TO:<a@b>`.
fn address(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}
