//! Sends e-mails: through SMTP (lettre) when configured, otherwise to the
//! log, so that a fresh installation works without a mail server.

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType},
};
use store::outbox;

use crate::Settings;

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Log {
        from: Mailbox,
    },
}

impl Mailer {
    pub fn from_settings(s: &Settings) -> Self {
        let from: Mailbox = s.mail_from.parse().unwrap_or_else(|_| {
            "ne-pas-repondre@promeneurs.invalid"
                .parse()
                .expect("valid fallback address")
        });
        match s.smtp_url.as_deref().and_then(parse_smtp_url) {
            Some((host, port)) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                    .port(port)
                    .build();
                Mailer::Smtp { transport, from }
            }
            None => Mailer::Log { from },
        }
    }

    pub async fn send(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        attachments: &[outbox::Attachment],
    ) -> Result<(), String> {
        let from = match self {
            Mailer::Smtp { from, .. } | Mailer::Log { from } => from.clone(),
        };
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("destinataire invalide : {e}"))?;
        let builder = Message::builder().from(from).to(to).subject(subject);
        let message = if attachments.is_empty() {
            builder
                .header(ContentType::TEXT_PLAIN)
                .body(body.to_owned())
        } else {
            let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(body.to_owned()));
            for a in attachments {
                let kind = ContentType::parse(&a.content_type).unwrap_or(
                    ContentType::parse("application/octet-stream").expect("a MIME type"),
                );
                parts = parts
                    .singlepart(Attachment::new(a.file_name.clone()).body(a.content.clone(), kind));
            }
            builder.multipart(parts)
        }
        .map_err(|e| format!("message invalide : {e}"))?;
        match self {
            Mailer::Smtp { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| format!("SMTP : {e}")),
            Mailer::Log { .. } => {
                tracing::info!(to = %message.envelope().to().iter().map(ToString::to_string).collect::<Vec<_>>().join(","), %subject, "e-mail (no SMTP configured, logged only)");
                Ok(())
            }
        }
    }
}

/// `smtp://host:port` (port 25 by default).
fn parse_smtp_url(url: &str) -> Option<(String, u16)> {
    let rest = url.strip_prefix("smtp://")?;
    let hostport = rest.split('/').next()?;
    match hostport.rsplit_once(':') {
        Some((h, p)) => Some((h.to_owned(), p.parse().ok()?)),
        None => Some((hostport.to_owned(), 25)),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_smtp_url;

    #[test]
    fn reads_host_and_port() {
        assert_eq!(
            parse_smtp_url("smtp://127.0.0.1:2525"),
            Some(("127.0.0.1".into(), 2525))
        );
        assert_eq!(
            parse_smtp_url("smtp://mail.caf.fr"),
            Some(("mail.caf.fr".into(), 25))
        );
        assert_eq!(parse_smtp_url("http://x"), None);
    }
}
