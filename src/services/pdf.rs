//! A plain text document as a PDF (A4, the standard Helvetica fonts in
//! WinAnsiEncoding, so no font file ships with Banco): headings and
//! paragraphs, wrapped to the page and continued on new pages. Written
//! with `pdf-writer` (typst's low-level writer; PDF 1.7, ISO 32000-1).
//! Used by the consent receipt.

use encoding_rs::WINDOWS_1252;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// One block of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading (bold, larger).
    Heading(String),
    /// A paragraph, wrapped to the page.
    Text(String),
    /// A paragraph in small print.
    Small(String),
    /// Vertical space.
    Gap,
}

const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 56.0;

/// The text as WinAnsiEncoding bytes (Windows-1252, which covers Italian
/// and the other Western European languages); a character outside it is
/// written as its closest ASCII (`deunicode`: `ł` → `l`, `→` → `->`).
fn win_ansi(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for ch in text.chars() {
        let s = ch.encode_utf8(&mut buf);
        let (bytes, _, unmappable) = WINDOWS_1252.encode(s);
        if unmappable {
            out.extend(deunicode::deunicode_char(ch).unwrap_or("?").bytes());
        } else {
            out.extend_from_slice(&bytes);
        }
    }
    out
}

/// `text` cut into lines of at most `width` characters, at spaces where
/// possible (Helvetica averages half an em a character, so `width` is the
/// line's length over half the font size).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let mut word = word.to_string();
            while word.chars().count() > width {
                let head: String = word.chars().take(width).collect();
                word = word.chars().skip(width).collect();
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                lines.push(head);
            }
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        lines.push(line);
    }
    lines
}

/// The document `blocks` as PDF bytes, titled `title` (the document's
/// metadata and its first heading).
pub fn render(title: &str, blocks: &[Block]) -> Vec<u8> {
    let usable = PAGE.0 - 2.0 * MARGIN;
    // (font, size, text) per line, laid out into pages below.
    let mut lines: Vec<(&[u8], f32, String)> = vec![(b"F2", 16.0, title.to_string())];
    lines.push((b"F1", 6.0, String::new()));
    for block in blocks {
        let (font, size, text): (&[u8], f32, &str) = match block {
            Block::Heading(t) => (b"F2", 12.0, t),
            Block::Text(t) => (b"F1", 10.0, t),
            Block::Small(t) => (b"F1", 8.0, t),
            Block::Gap => (b"F1", 6.0, ""),
        };
        let width = (usable / (size * 0.5)) as usize;
        if matches!(block, Block::Heading(_)) {
            lines.push((b"F1", 6.0, String::new()));
        }
        for line in wrap(text, width.max(10)) {
            lines.push((font, size, line));
        }
    }
    let mut pages: Vec<Vec<u8>> = Vec::new();
    let mut content = Content::new();
    let mut y = PAGE.1 - MARGIN;
    for (font, size, text) in &lines {
        let step = size * 1.35;
        if y - step < MARGIN {
            pages.push(content.finish().to_vec());
            content = Content::new();
            y = PAGE.1 - MARGIN;
        }
        y -= step;
        if !text.is_empty() {
            content
                .begin_text()
                .set_font(Name(font), *size)
                .next_line(MARGIN, y)
                .show(Str(&win_ansi(text)))
                .end_text();
        }
    }
    pages.push(content.finish().to_vec());

    let mut pdf = Pdf::new();
    let (catalog, tree, regular, bold, info) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(6 + 2 * i as i32))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    pdf.document_info(info)
        .title(pdf_writer::TextStr(title))
        .producer(pdf_writer::TextStr("Banco"));
    for (font, name) in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
        pdf.type1_font(font)
            .base_font(Name(name.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (i, data) in pages.iter().enumerate() {
        let (page_id, content_id) = (page_ids[i], Ref::new(7 + 2 * i as i32));
        let mut page = pdf.page(page_id);
        page.parent(tree)
            .media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1))
            .contents(content_id);
        page.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        page.finish();
        pdf.stream(content_id, data);
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_letters_are_one_byte_each_and_others_fall_back_to_ascii() {
        assert_eq!(win_ansi("Nicolò è €"), b"Nicol\xf2 \xe8 \x80".to_vec());
        assert_eq!(win_ansi("Łódź"), b"L\xf3dz".to_vec());
    }

    #[test]
    fn long_text_wraps_at_spaces_and_long_words_are_cut() {
        assert_eq!(wrap("uno due tre", 7), vec!["uno due", "tre"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\nb", 10), vec!["a", "b"]);
    }

    #[test]
    fn a_long_document_is_a_pdf_of_several_pages() {
        let blocks: Vec<Block> = (0..200)
            .map(|i| Block::Text(format!("Riga {i} à")))
            .collect();
        let pdf = render("Ricevuta", &blocks);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        // 202 lines of 13.5 pt, about 54 to a page.
        assert!(text.contains("/Count 4"), "{}", &text[..400]);
        assert!(text.trim_end().ends_with("%%EOF"));
    }
}
