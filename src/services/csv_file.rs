//! Reading a CSV file as products write it, as a stream: the encoding sniffed over the whole file, the text decoded as it is read, each row with its line number.
//!
//! - Encoding: a byte-order mark says UTF-8 or UTF-16 (Excel's "Unicode
//!   text", Outlook's "Unicode" CSV); without one, a file that is valid
//!   UTF-8 throughout is UTF-8, and anything else is the legacy encoding
//!   `chardetng` (Firefox's detector) guesses from all its bytes, with
//!   Italy's hint (Windows-1252 for Excel and Outlook on Italian Windows,
//!   Windows-1251 for a Cyrillic list, ISO-8859-2 for a Polish one). The
//!   sniffing pass reads the file in 64 KiB chunks and keeps none of it.
//! - Decoding: `encoding_rs_io` turns the bytes into UTF-8 as the `csv`
//!   reader pulls them, so memory does not grow with the file.
//! - Separator: the one of `,` `;` tab `|` that splits the header line
//!   into most columns.
//! - Line numbers: the line a record starts on (header = line 1), from the
//!   newlines before its end — counted by [`Newlines`] as the decoded text
//!   passes to the `csv` reader — less those inside its quoted fields; right
//!   with fields that span lines, LF or CRLF endings, a last line without
//!   one, and blank rows (which are skipped). The `csv` reader's own
//!   `line()` and record start are not (they miscount after CRLF and blank
//!   lines).

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};

use encoding_rs::Encoding;
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

use crate::{Error, Result};

/// Bytes read at a time while sniffing.
const CHUNK: usize = 64 * 1024;

/// A CSV file's header and first rows (or all of them) in memory.
#[derive(Debug, Clone)]
pub struct CsvTable {
    /// Header row.
    pub headers: Vec<String>,
    /// Data rows with their line numbers in the file (header = line 1).
    pub rows: Vec<(u64, Vec<String>)>,
    /// Separator found.
    pub delimiter: u8,
}

/// A CSV file being read row by row (see the module docs).
pub struct CsvStream {
    /// Header row, trimmed.
    pub headers: Vec<String>,
    /// Separator found.
    pub delimiter: u8,
    reader: csv::Reader<Newlines<DecodeReaderBytes<BufReader<File>, Vec<u8>>>>,
    record: csv::StringRecord,
    lines: Arc<Mutex<NewlineLog>>,
}

/// Where the newlines of the decoded text are, as far as the `csv` reader
/// has pulled it: a count of those before `base`, and the offsets of the
/// rest (at most a buffer's worth, plus a record's quoted newlines).
#[derive(Debug, Default)]
struct NewlineLog {
    before: u64,
    last: Option<u64>,
    offsets: VecDeque<u64>,
}

impl NewlineLog {
    /// The line a record starts on, given where the `csv` reader stopped
    /// after it (`end`: past an LF terminator, at the `\n` of a CRLF one,
    /// or at the end of the file) and the newlines inside its fields.
    /// Records come in order, so the offsets passed are folded into a count.
    fn record_line(&mut self, end: u64, inside: u64) -> u64 {
        while let Some(o) = self.offsets.front().copied().filter(|o| *o < end) {
            self.offsets.pop_front();
            self.before += 1;
            self.last = Some(o);
        }
        let lf_terminator = end > 0 && self.last == Some(end - 1);
        let last_line = self.before - u64::from(lf_terminator) + 1;
        last_line.saturating_sub(inside).max(1)
    }
}

/// Newlines inside a record's fields.
fn inner_newlines(record: &csv::StringRecord) -> u64 {
    record
        .iter()
        .map(|f| f.bytes().filter(|b| *b == b'\n').count() as u64)
        .sum()
}

/// A reader that logs the offsets of the newlines it passes on.
struct Newlines<R> {
    inner: R,
    offset: u64,
    log: Arc<Mutex<NewlineLog>>,
}

impl<R: Read> Read for Newlines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut log = self
            .log
            .lock()
            .map_err(|_| std::io::Error::other("newline log poisoned"))?;
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                log.offsets.push_back(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl std::fmt::Debug for CsvStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvStream")
            .field("headers", &self.headers)
            .field("delimiter", &(self.delimiter as char))
            .finish_non_exhaustive()
    }
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The encoding of the file at `path` (see the module docs), read in
/// chunks.
///
/// Errors: [`Error::Io`].
pub fn sniff_encoding(path: &Path) -> Result<&'static Encoding> {
    let mut file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut buf = vec![0u8; CHUNK];
    let mut detector = chardetng::EncodingDetector::new();
    let (mut first, mut utf8, mut carry) = (true, true, Vec::<u8>::new());
    loop {
        let n = read_full(&mut file, &mut buf).map_err(|e| io_error(path, e))?;
        let chunk = &buf[..n];
        if first {
            if let Some((encoding, _)) = Encoding::for_bom(chunk) {
                return Ok(encoding);
            }
            first = false;
        }
        let last = n < buf.len();
        detector.feed(chunk, last);
        if utf8 {
            // A character split between chunks is completed by the next.
            carry.extend_from_slice(chunk);
            match std::str::from_utf8(&carry) {
                Ok(_) => carry.clear(),
                Err(e) if e.error_len().is_none() && !last => {
                    carry.drain(..e.valid_up_to());
                }
                Err(_) => utf8 = false,
            }
        }
        if last {
            break;
        }
    }
    Ok(if utf8 {
        encoding_rs::UTF_8
    } else {
        detector.guess(Some(b"it"), true)
    })
}

/// Reads until `buf` is full or the file ends; the bytes read.
fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// The text of `path` decoded as it is read.
fn decoded(
    path: &Path,
    encoding: &'static Encoding,
) -> Result<DecodeReaderBytes<BufReader<File>, Vec<u8>>> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    Ok(DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(BufReader::with_capacity(CHUNK, file)))
}

/// The separator of a header line: the one of `,` `;` tab `|` that splits
/// it into most columns (`,` when none does).
fn delimiter_of(first_line: &str) -> u8 {
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

/// A lenient `csv` reader (rows may have more or fewer cells than the
/// header) over `input`, and its header row, trimmed.
///
/// Errors: [`Error::Csv`] for a header with broken quoting;
/// [`Error::Validation`] `file`: `empty` when there is no header.
fn reader_of<R: Read>(delimiter: u8, input: R) -> Result<(csv::Reader<R>, Vec<String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(input);
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(Error::field("file", "empty"));
    }
    Ok((reader, headers))
}

impl CsvStream {
    /// Opens `path` for reading row by row.
    ///
    /// Errors: [`Error::Io`]; [`Error::Csv`] for a header with broken
    /// quoting; [`Error::Validation`] `file`: `empty` when there is no header.
    pub fn open(path: &Path) -> Result<CsvStream> {
        let encoding = sniff_encoding(path)?;
        // The first non-blank line, from the first decoded bytes.
        let mut head = Vec::new();
        decoded(path, encoding)?
            .take(CHUNK as u64)
            .read_to_end(&mut head)
            .map_err(|e| io_error(path, e))?;
        let head = String::from_utf8_lossy(&head);
        let first_line = head.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let delimiter = delimiter_of(first_line);
        let lines = Arc::new(Mutex::new(NewlineLog::default()));
        let (reader, headers) = reader_of(
            delimiter,
            Newlines {
                inner: decoded(path, encoding)?,
                offset: 0,
                log: lines.clone(),
            },
        )?;
        Ok(CsvStream {
            headers,
            delimiter,
            reader,
            record: csv::StringRecord::new(),
            lines,
        })
    }

    /// The next non-blank row and its line number, `None` at the end.
    ///
    /// Errors: [`Error::Csv`] for broken quoting; [`Error::Io`].
    pub fn next_row(&mut self) -> Option<Result<(u64, Vec<String>)>> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => return Some(Err(e.into())),
            }
            if self.record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let end = self.reader.position().byte();
            let line = match self.lines.lock() {
                Ok(mut log) => log.record_line(end, inner_newlines(&self.record)),
                Err(_) => 0,
            };
            let cells = self.record.iter().map(|f| f.trim().to_string()).collect();
            return Some(Ok((line, cells)));
        }
    }

    /// Up to `n` further rows.
    ///
    /// Errors: as [`CsvStream::next_row`].
    pub fn next_rows(&mut self, n: usize) -> Result<Vec<(u64, Vec<String>)>> {
        let mut rows = Vec::with_capacity(n.min(4096));
        while rows.len() < n {
            match self.next_row() {
                Some(row) => rows.push(row?),
                None => break,
            }
        }
        Ok(rows)
    }
}

/// The header and the first `limit` rows of a CSV file (a preview, the
/// sample the mapping is guessed and checked on), read without the rest.
///
/// Errors: as [`CsvStream::open`] and [`CsvStream::next_row`].
pub fn read_csv_head(path: &Path, limit: usize) -> Result<CsvTable> {
    let mut stream = CsvStream::open(path)?;
    let rows = stream.next_rows(limit)?;
    Ok(CsvTable {
        headers: stream.headers,
        rows,
        delimiter: stream.delimiter,
    })
}

/// The whole of a CSV file in memory (the deals' and companies' imports,
/// files of a size a person checks by eye).
///
/// Errors: as [`read_csv_head`].
pub fn read_csv(path: &Path) -> Result<CsvTable> {
    read_csv_head(path, usize::MAX)
}

/// How many non-blank data rows a CSV file has, read as a stream.
///
/// Errors: as [`CsvStream::next_row`].
pub fn count_rows(path: &Path) -> Result<u64> {
    let mut stream = CsvStream::open(path)?;
    let mut n = 0u64;
    while let Some(row) = stream.next_row() {
        row?;
        n += 1;
    }
    Ok(n)
}

/// Decodes a text file held in memory (a vCard, a pasted list) as
/// [`sniff_encoding`] would: BOM, valid UTF-8, else `chardetng`'s guess.
/// Every byte maps to some character, so nothing is refused here.
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => {
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(bytes, true);
            let encoding = detector.guess(Some(b"it"), true);
            encoding.decode_without_bom_handling(bytes).0.into_owned()
        }
    }
}

/// Parses CSV text held in memory (see the module docs; tests and the
/// property tests of `no_panic`).
///
/// Errors: [`Error::Csv`] for broken quoting; [`Error::Validation`]
/// `file`: `empty` when there is no header.
pub fn parse_csv(text: &str) -> Result<CsvTable> {
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = delimiter_of(first_line);
    let (mut reader, headers) = reader_of(delimiter, text.as_bytes())?;
    let mut log = NewlineLog {
        offsets: memchr_newlines(text.as_bytes()),
        ..Default::default()
    };
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record)? {
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = log.record_line(reader.position().byte(), inner_newlines(&record));
        rows.push((line, record.iter().map(|f| f.trim().to_string()).collect()));
    }
    Ok(CsvTable {
        headers,
        rows,
        delimiter,
    })
}

/// The offsets of every `\n` in `bytes`.
fn memchr_newlines(bytes: &[u8]) -> VecDeque<u64> {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i as u64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut f, bytes).expect("write");
        f
    }

    #[test]
    fn a_legacy_accent_far_into_the_file_is_still_found() {
        // ASCII for more than a sniffing chunk, then Windows-1252 "è".
        let mut bytes = b"nome;cognome\n".to_vec();
        for i in 0..10_000 {
            bytes.extend_from_slice(format!("Mario{i};Rossi\n").as_bytes());
        }
        bytes.extend_from_slice(b"Jos\xe8;Verd\xec\n");
        let f = file_with(&bytes);
        let table = read_csv(f.path()).unwrap();
        let last = table.rows.last().unwrap();
        assert_eq!(last.1, vec!["Josè", "Verdì"]);
        assert_eq!(last.0, 10_002);
    }

    #[test]
    fn a_character_split_between_chunks_is_still_utf8() {
        let mut bytes = b"nome\n".to_vec();
        while bytes.len() < CHUNK - 1 {
            bytes.push(b'a');
        }
        bytes.extend_from_slice("è\nNicolò\n".as_bytes());
        let f = file_with(&bytes);
        assert_eq!(sniff_encoding(f.path()).unwrap(), encoding_rs::UTF_8);
        let table = read_csv(f.path()).unwrap();
        assert_eq!(table.rows[1].1, vec!["Nicolò"]);
    }

    #[test]
    fn line_numbers_count_quoted_newlines_and_skip_blank_rows() {
        let text = "name,note\r\n\"Anna\",\"two\r\nlines\"\r\n\r\nBruno,x\r\n";
        let f = file_with(text.as_bytes());
        let mut stream = CsvStream::open(f.path()).unwrap();
        assert_eq!(stream.next_row().unwrap().unwrap().0, 2);
        assert_eq!(
            stream.next_row().unwrap().unwrap(),
            (5, vec!["Bruno".into(), "x".into()])
        );
        assert!(stream.next_row().is_none());
        assert_eq!(parse_csv(text).unwrap().rows[1].0, 5);
        assert_eq!(count_rows(f.path()).unwrap(), 2);
        // LF, and a last line without one.
        let lf = "name,note\n\"Anna\",\"two\nlines\"\n\nBruno,x\nCarla,y";
        let lines: Vec<u64> = parse_csv(lf).unwrap().rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![2, 5, 6]);
        let f = file_with(lf.as_bytes());
        let table = read_csv(f.path()).unwrap();
        assert_eq!(
            table.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![2, 5, 6]
        );
    }

    #[test]
    fn utf16_with_its_bom_is_read_as_a_stream() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Nome\tTelefono\r\nCaterina\t347 111 2233\r\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let f = file_with(&bytes);
        let head = read_csv_head(f.path(), 10).unwrap();
        assert_eq!(head.headers, vec!["Nome", "Telefono"]);
        assert_eq!(head.delimiter, b'\t');
        assert_eq!(
            head.rows,
            vec![(2, vec!["Caterina".into(), "347 111 2233".into()])]
        );
    }
}
