//! The postmortem as Markdown (CommonMark with GitHub tables).

use std::fmt::Write;

use super::document::{Block, Document};

/// Renders `document` as Markdown.
pub fn markdown(document: &Document) -> String {
    let mut out = format!("# {}\n", document.title);
    for block in &document.blocks {
        out.push('\n');
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(out, "{} {text}", "#".repeat(usize::from(*level)));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "{text}");
            }
            Block::Bullets(items) => items.iter().for_each(|item| {
                let _ = writeln!(out, "- {item}");
            }),
            Block::Table { header, rows, .. } => table(&mut out, header, rows),
            Block::Chart { caption, png, .. } => {
                let _ = writeln!(out, "![{caption}]({png})\n\n*{caption}*");
            }
        }
    }
    out
}

fn table(out: &mut String, header: &[String], rows: &[Vec<String>]) {
    let line = |cells: &[String]| {
        let cells: Vec<String> = cells.iter().map(|cell| cell.replace('|', "\\|")).collect();
        format!("| {} |\n", cells.join(" | "))
    };
    out.push_str(&line(header));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for row in rows {
        out.push_str(&line(row));
    }
}
