//! The postmortem as one self-contained HTML file: inline CSS, charts as inline
//! SVG, no scripts, no links to fetch. It opens offline in any browser.

use std::fmt::Write;

use super::document::{Block, Document};

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:1.8em;margin-top:0}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:1.8em}
table{border-collapse:collapse;margin:12px 0;font-size:0.95em}
th,td{border:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f2f2f2}td:first-child{white-space:nowrap}
code{background:#f2f2f2;padding:1px 4px;border-radius:3px;font-size:0.92em}
figure{margin:16px 0}figure svg{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#555;font-size:0.9em}";

/// Renders `document` as a complete HTML page.
pub fn html(document: &Document) -> String {
    let title = escape(&document.title);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n"
    );
    for block in &document.blocks {
        match block {
            Block::Heading(level, text) => {
                let id = slug(text);
                let _ = writeln!(out, "<h{level} id=\"{id}\">{}</h{level}>", inline(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", inline(text));
            }
            Block::Bullets(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", inline(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Table { id, header, rows } => table(&mut out, id, header, rows),
            Block::Chart {
                id, caption, svg, ..
            } => {
                let _ = writeln!(
                    out,
                    "<figure id=\"{id}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
                    svg.trim(),
                    inline(caption)
                );
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn table(out: &mut String, id: &str, header: &[String], rows: &[Vec<String>]) {
    let _ = writeln!(out, "<table id=\"{id}\">\n<thead><tr>");
    for cell in header {
        let _ = write!(out, "<th>{}</th>", inline(cell));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", inline(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Escapes text; backtick spans become `<code>`, `**` spans `<strong>`.
fn inline(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(index, part)| {
            if index % 2 == 1 {
                format!("<code>{}</code>", escape(part))
            } else {
                strong(&escape(part))
            }
        })
        .collect()
}

fn strong(text: &str) -> String {
    text.split("**")
        .enumerate()
        .map(|(index, part)| {
            if index % 2 == 1 {
                format!("<strong>{part}</strong>")
            } else {
                part.to_owned()
            }
        })
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// "Contributing factors" → "contributing-factors".
fn slug(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_code_spans_survive() {
        assert_eq!(
            inline("p99 < 2 s in `a<b>`"),
            "p99 &lt; 2 s in <code>a&lt;b&gt;</code>"
        );
        assert_eq!(
            inline("**bold** `**`"),
            "<strong>bold</strong> <code>**</code>"
        );
        assert_eq!(slug("Timeline (T = opening)"), "timeline-t-opening");
    }
}
