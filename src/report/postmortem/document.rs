//! The postmortem as a small document model, so that Markdown and HTML are two
//! renderings of the same content and cannot drift apart. Text is plain;
//! backticks mark code spans (metric and file names).

/// One block of the document.
#[derive(Clone, Debug)]
pub enum Block {
    /// A section heading (level 2 or 3).
    Heading(u8, String),
    /// A paragraph.
    Paragraph(String),
    /// A bulleted list.
    Bullets(Vec<String>),
    /// A table; `id` names it in HTML (the timeline is `timeline`).
    Table {
        /// HTML id.
        id: &'static str,
        /// Column titles.
        header: Vec<String>,
        /// Cells, row by row.
        rows: Vec<Vec<String>>,
    },
    /// A chart: Markdown links the PNG next to it, HTML embeds the SVG inline.
    Chart {
        /// HTML id.
        id: &'static str,
        /// Caption.
        caption: String,
        /// File name of the PNG beside the report.
        png: String,
        /// The SVG document.
        svg: String,
    },
}

/// A whole postmortem.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The H1 title.
    pub title: String,
    /// Blocks in reading order.
    pub blocks: Vec<Block>,
}

impl Document {
    /// Adds a heading.
    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading(level, text.into()));
    }

    /// Adds a paragraph.
    pub fn paragraph(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph(text.into()));
    }

    /// Adds a bulleted list (nothing if empty).
    pub fn bullets(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::Bullets(items));
        }
    }
}
