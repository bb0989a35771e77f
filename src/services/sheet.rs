//! A table as the people who open it want it (issue 15, item 6): every
//! list and KPI export builds a [`Sheet`] of typed [`Cell`]s once, and
//! [`render`] writes it as plain CSV, as CSV for Excel set to Italian, or
//! as an `.xlsx` workbook ([`ExportFormat`]).
//!
//! CSV formula injection (OWASP, "CSV Injection"): a text cell that starts
//! with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a
//! leading `'`, so a spreadsheet shows it as text instead of running it,
//! unless the whole cell is a plain number (`-12.50`, `+393331234567`),
//! which no spreadsheet runs. In `.xlsx` every text is a string cell,
//! which Excel never evaluates, and gets the same `'`.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_xlsxwriter::{Format, Workbook};

use crate::model::{minor_to_decimal, phone_for_sheet, ExportFormat};
use crate::{Error, Result};

/// One cell, typed so that each format writes it its own way.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (names, statuses, ids).
    Text(String),
    /// A phone in E.164 (`None`: empty).
    Phone(Option<String>),
    /// Money in minor units of the export's currency (`None`: empty).
    Money(Option<i64>),
    /// A count.
    Int(i64),
    /// A number with `places` decimals (`None`: empty), e.g. days.
    Number(Option<f64>, usize),
    /// A fraction 0–1, e.g. a win rate (`None`: not defined).
    Rate(Option<f64>),
    /// Yes or no.
    Bool(bool),
    /// A calendar day.
    Date(Option<NaiveDate>),
    /// An instant (UTC), shown in the shop's time zone where local.
    Time(Option<DateTime<Utc>>),
    /// A stable code of a family of the window's translations (`status`,
    /// `source`, `interest`, `deal_status`, …): the code for programs, its
    /// word in the place's language for people ([`super::words`]).
    Code(&'static str, String),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        Cell::Text(s.unwrap_or_default())
    }
}

/// A column: its key (the plain CSV's header) and its Italian label (the
/// header of the spreadsheet formats).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Machine name, e.g. `created_at`.
    pub key: String,
    /// Header for people, e.g. `Creato il`.
    pub label: String,
}

/// A table to export.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The worksheet's name in `.xlsx` (at most 31 characters are kept).
    pub name: String,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// An empty sheet with the columns `(key, label)`.
    pub fn new(name: &str, columns: &[(&str, &str)]) -> Sheet {
        Sheet {
            name: name.to_string(),
            columns: columns
                .iter()
                .map(|(key, label)| Column {
                    key: key.to_string(),
                    label: label.to_string(),
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Adds columns whose key is also their label (custom fields).
    pub fn extend_columns(&mut self, keys: &[String]) {
        self.columns.extend(keys.iter().map(|k| Column {
            key: k.clone(),
            label: k.clone(),
        }));
    }
}

/// Where the shop is: its time zone (local dates and times) and region
/// (which phones are national); and the language of the headers people
/// read.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// IANA time zone, e.g. `Europe/Rome`.
    pub time_zone: Tz,
    /// ISO 3166 region, e.g. `IT`.
    pub region: String,
    /// The headers' language in the spreadsheet formats: `it` (the
    /// columns' labels) or `en` ([`english_header`]).
    pub language: String,
}

/// The English header of a column `key` of Banco's exports (the Italian
/// one is the column's label); `None` for keys it does not know, such as
/// custom fields, whose header is their key.
pub fn english_header(key: &str) -> Option<&'static str> {
    Some(match key {
        "id" => "ID",
        "name" => "Name",
        "first_name" => "First name",
        "last_name" => "Last name",
        "phone" => "Phone",
        "phone_2" => "Phone 2",
        "phone_national" => "Phone (national)",
        "email" => "E-mail",
        "company" => "Company",
        "city" => "City",
        "kind" => "Kind",
        "status" => "Status",
        "vat_number" => "VAT number",
        "office_location" => "Office",
        "sector" => "Sector",
        "owner" => "Owner",
        "tags" => "Tags",
        "customer" => "Customer",
        "created_at" => "Created",
        "closed_at" => "Closed",
        "expected_close" => "Expected close",
        "interest" => "Interest",
        "source_channel" => "Source channel",
        "campaign" => "Campaign",
        "store" => "Store",
        "person" => "Person",
        "title" => "Title",
        "pipeline" => "Pipeline",
        "stage" => "Stage",
        "probability" => "Probability %",
        "value" => "Value",
        "weighted" => "Weighted value",
        "monthly" => "Monthly",
        "one_off" => "One-off",
        "currency" => "Currency",
        "segment" => "Segment",
        "month" => "Month",
        "leads" => "Leads",
        "converted_leads" => "Converted leads",
        "conversion_rate" => "Conversion rate",
        "deals" => "Deals",
        "deals_opened" => "Deals opened",
        "won_deals" => "Deals won",
        "won_revenue" => "Revenue won",
        "avg_won_value" => "Average won value",
        "avg_days_to_close" => "Average days to close",
        "win_rate" => "Win rate",
        "open" => "Open",
        "won" => "Won",
        "lost" => "Lost",
        "cost" => "Cost",
        "cost_per_lead" => "Cost per lead",
        "stays" => "Entries",
        "avg_days" => "Average days",
        "at" => "When",
        "user" => "Who",
        "action" => "Action",
        "subject" => "Subject",
        "format" => "Format",
        "rows" => "Rows",
        "detail" => "Detail",
        _ => return None,
    })
}

/// A column's header for people, in `place`'s language.
fn header(c: &Column, place: &Place) -> String {
    match english_header(&c.key) {
        Some(en) if place.language == "en" => en.to_string(),
        _ => c.label.clone(),
    }
}

impl Place {
    /// The acting user's shop: the tenant's region and the time zone of its
    /// contact rules (Europe/Rome until one is set).
    pub async fn of(db: &crate::store::Db, ctx: &super::Ctx) -> Result<Place> {
        let policy = crate::with_conn!(db, |c| c.contact_policy(ctx.tenant_id()).await)?;
        let time_zone = policy
            .and_then(|p| crate::model::parse_time_zone(&p.time_zone).ok())
            .unwrap_or(chrono_tz::Europe::Rome);
        Ok(Place {
            time_zone,
            region: ctx.region().to_string(),
            language: ctx.language.clone(),
        })
    }
}

/// Whether `text` could run as a formula in a spreadsheet: it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return and is not a plain
/// number (OWASP, "CSV Injection").
pub fn is_formula_like(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') {
        return false;
    }
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    let plain_number = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && rest.chars().filter(|c| *c == '.' || *c == ',').count() <= 1
        && rest.chars().next().is_some_and(|c| c.is_ascii_digit());
    !plain_number
}

/// `text` with a leading `'` when [`is_formula_like`].
pub fn neutralise(text: &str) -> String {
    if is_formula_like(text) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// `sheet` as plain CSV text ([`ExportFormat::Csv`] needs no place: it
/// writes UTC times and E.164 phones).
pub fn plain_csv(sheet: &Sheet) -> Result<String> {
    let bytes = csv_bytes(sheet, b',', None, plain_text)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes `sheet` in `format`. [`ExportFormat::Json`] is not a sheet
/// format: the caller serialises its items.
///
/// Errors: [`Error::Validation`] `format` (`unknown_value`) for `Json`;
/// [`Error::Io`] if the workbook cannot be written.
pub fn render(sheet: &Sheet, format: ExportFormat, place: &Place) -> Result<Vec<u8>> {
    match format {
        ExportFormat::Csv => csv_bytes(sheet, b',', None, plain_text),
        ExportFormat::ExcelIt => csv_bytes(sheet, b';', Some(place), |c| italian_text(c, place)),
        ExportFormat::Xlsx => xlsx_bytes(sheet, place),
        ExportFormat::Json => Err(Error::Validation(vec![crate::model::FieldError::new(
            "format",
            "unknown_value",
        )
        .with("value", "json")])),
    }
}

/// `sheet` as CSV: for people (`Some(place)`) with a BOM and headers in
/// the place's language, for programs (`None`) with the columns' keys.
fn csv_bytes(
    sheet: &Sheet,
    delimiter: u8,
    people: Option<&Place>,
    text: impl Fn(&Cell) -> String,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    if people.is_some() {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(out);
    w.write_record(sheet.columns.iter().map(|c| match people {
        Some(place) => neutralise(&header(c, place)),
        None => neutralise(&c.key),
    }))?;
    for row in &sheet.rows {
        w.write_record(row.iter().map(|c| neutralise(&text(c))))?;
    }
    w.into_inner().map_err(|e| Error::Io {
        path: format!("{} (csv)", sheet.name),
        source: e.into_error(),
    })
}

/// A cell as plain CSV writes it: `.` decimals, ISO dates, RFC 3339 UTC.
fn plain_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Phone(p) => p.clone().unwrap_or_default(),
        Cell::Money(m) => m.map(minor_to_decimal).unwrap_or_default(),
        Cell::Int(n) => n.to_string(),
        Cell::Number(n, places) => n.map(|n| format!("{n:.places$}")).unwrap_or_default(),
        Cell::Rate(r) => r.map(|r| format!("{r:.4}")).unwrap_or_default(),
        Cell::Bool(b) => b.to_string(),
        Cell::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
        Cell::Time(t) => t.map(|t| t.to_rfc3339()).unwrap_or_default(),
        Cell::Code(_, code) => code.clone(),
    }
}

/// A cell as Italian Excel reads it: `,` decimals, `dd/mm/yyyy`, local
/// `dd/mm/yyyy hh:mm`, `sì`/`no`, phones as text.
fn italian_text(cell: &Cell, place: &Place) -> String {
    let comma = |s: String| s.replace('.', ",");
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Phone(p) => p
            .as_deref()
            .map(|p| phone_for_sheet(p, &place.region))
            .unwrap_or_default(),
        Cell::Money(m) => m.map(|m| comma(minor_to_decimal(m))).unwrap_or_default(),
        Cell::Int(n) => n.to_string(),
        Cell::Number(n, places) => n
            .map(|n| comma(format!("{n:.places$}")))
            .unwrap_or_default(),
        Cell::Rate(r) => r.map(|r| comma(format!("{r:.4}"))).unwrap_or_default(),
        Cell::Bool(b) => if *b { "sì" } else { "no" }.to_string(),
        Cell::Code(family, code) => super::words::code_word(&place.language, family, code),
        Cell::Date(d) => d
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        Cell::Time(t) => t
            .map(|t| {
                t.with_timezone(&place.time_zone)
                    .format("%d/%m/%Y %H:%M")
                    .to_string()
            })
            .unwrap_or_default(),
    }
}

fn xlsx_bytes(sheet: &Sheet, place: &Place) -> Result<Vec<u8>> {
    let io = |e: rust_xlsxwriter::XlsxError| Error::Io {
        path: format!("{} (xlsx)", sheet.name),
        source: std::io::Error::other(e.to_string()),
    };
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let name: String = sheet
        .name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if !name.is_empty() {
        ws.set_name(name).map_err(io)?;
    }
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let percent = Format::new().set_num_format("0.00%");
    let day = Format::new().set_num_format("dd/mm/yyyy");
    let stamp = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    for (col, c) in sheet.columns.iter().enumerate() {
        let col =
            u16::try_from(col).map_err(|_| io(rust_xlsxwriter::XlsxError::RowColumnLimitError))?;
        ws.write_string_with_format(0, col, neutralise(&header(c, place)), &bold)
            .map_err(io)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = u32::try_from(r + 1)
            .map_err(|_| io(rust_xlsxwriter::XlsxError::RowColumnLimitError))?;
        for (col, cell) in row.iter().enumerate() {
            let col = u16::try_from(col)
                .map_err(|_| io(rust_xlsxwriter::XlsxError::RowColumnLimitError))?;
            match cell {
                Cell::Text(s) => {
                    if !s.is_empty() {
                        ws.write_string(r, col, neutralise(s)).map_err(io)?;
                    }
                }
                Cell::Code(family, code) => {
                    let word = super::words::code_word(&place.language, family, code);
                    ws.write_string(r, col, neutralise(&word)).map_err(io)?;
                }
                Cell::Phone(Some(p)) => {
                    ws.write_string(r, col, phone_for_sheet(p, &place.region))
                        .map_err(io)?;
                }
                Cell::Money(Some(m)) => {
                    ws.write_number_with_format(r, col, *m as f64 / 100.0, &money)
                        .map_err(io)?;
                }
                Cell::Int(n) => {
                    ws.write_number(r, col, *n as f64).map_err(io)?;
                }
                Cell::Number(Some(n), _) => {
                    ws.write_number(r, col, *n).map_err(io)?;
                }
                Cell::Rate(Some(x)) => {
                    ws.write_number_with_format(r, col, *x, &percent)
                        .map_err(io)?;
                }
                Cell::Bool(b) => {
                    ws.write_boolean(r, col, *b).map_err(io)?;
                }
                Cell::Date(Some(d)) => {
                    ws.write_datetime_with_format(r, col, *d, &day)
                        .map_err(io)?;
                }
                Cell::Time(Some(t)) => {
                    let local = t.with_timezone(&place.time_zone).naive_local();
                    ws.write_datetime_with_format(r, col, local, &stamp)
                        .map_err(io)?;
                }
                Cell::Phone(None)
                | Cell::Money(None)
                | Cell::Number(None, _)
                | Cell::Rate(None)
                | Cell::Date(None)
                | Cell::Time(None) => {}
            }
        }
    }
    book.save_to_buffer().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place() -> Place {
        Place {
            time_zone: chrono_tz::Europe::Rome,
            region: "IT".into(),
            language: "it".into(),
        }
    }

    fn sample() -> Sheet {
        let mut s = Sheet::new("Lead", &[("name", "Nome"), ("phone", "Telefono")]);
        s.columns.push(Column {
            key: "value".into(),
            label: "Valore".into(),
        });
        s.columns.push(Column {
            key: "created_at".into(),
            label: "Creato il".into(),
        });
        let at = "2026-07-01T22:30:00Z".parse().unwrap();
        s.rows.push(vec![
            Cell::from("=HYPERLINK(\"http://evil\",\"x\")"),
            Cell::Phone(Some("+393331234567".into())),
            Cell::Money(Some(123_450)),
            Cell::Time(Some(at)),
        ]);
        s.rows.push(vec![
            Cell::from("Nicolò D'Amato"),
            Cell::Phone(Some("+442079460958".into())),
            Cell::Money(Some(-5)),
            Cell::Time(None),
        ]);
        s
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        for bad in [
            "=1+1",
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\r=1",
            "+",
            "-",
        ] {
            assert!(is_formula_like(bad), "{bad:?}");
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        for ok in ["-12.50", "+393331234567", "12,5", "Rossi", "", "a=b", "0"] {
            assert!(!is_formula_like(ok), "{ok:?}");
            assert_eq!(neutralise(ok), ok);
        }
    }

    #[test]
    fn plain_csv_is_for_programs() {
        let out =
            String::from_utf8(render(&sample(), ExportFormat::Csv, &place()).unwrap()).unwrap();
        assert_eq!(
            out,
            "name,phone,value,created_at\n\
             \"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",+393331234567,1234.50,2026-07-01T22:30:00+00:00\n\
             Nicolò D'Amato,+442079460958,-0.05,\n"
        );
    }

    #[test]
    fn excel_italia_has_a_bom_semicolons_commas_and_local_times() {
        let out = render(&sample(), ExportFormat::ExcelIt, &place()).unwrap();
        assert!(
            out.starts_with(&[0xEF, 0xBB, 0xBF]),
            "UTF-8 byte-order mark"
        );
        let text = String::from_utf8(out[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "Nome;Telefono;Valore;Creato il\n\
             \"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\";333 123 4567;1234,50;02/07/2026 00:30\n\
             Nicolò D'Amato;0044 20 7946 0958;-0,05;\n"
        );
    }

    #[test]
    fn xlsx_holds_text_cells_numbers_and_dates() {
        let bytes = render(&sample(), ExportFormat::Xlsx, &place()).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut read = |name: &str| {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
            s
        };
        let sheet = read("xl/worksheets/sheet1.xml");
        let strings = read("xl/sharedStrings.xml");
        assert!(!sheet.contains("<f>"), "no formula cell: {sheet}");
        assert!(strings.contains("'=HYPERLINK"), "{strings}");
        assert!(strings.contains("333 123 4567") && strings.contains("Creato il"));
        assert!(
            sheet.contains("<v>1234.5</v>"),
            "money as a number: {sheet}"
        );
        let workbook = read("xl/workbook.xml");
        assert!(workbook.contains("name=\"Lead\""), "{workbook}");
    }

    #[test]
    fn headers_speak_the_desks_language_and_custom_fields_keep_their_key() {
        let mut s = sample();
        s.extend_columns(&["tessera".to_string()]);
        for row in &mut s.rows {
            row.push(Cell::from("x"));
        }
        let english = Place {
            language: "en".into(),
            ..place()
        };
        let out = render(&s, ExportFormat::ExcelIt, &english).unwrap();
        let text = String::from_utf8(out[3..].to_vec()).unwrap();
        assert!(
            text.starts_with("Name;Phone;Value;Created;tessera\n"),
            "{text}"
        );
        // Codes in words for people, as codes for programs.
        let mut coded = Sheet::new("Lead", &[("status", "Stato")]);
        coded.rows.push(vec![Cell::Code("status", "new".into())]);
        let it = render(&coded, ExportFormat::ExcelIt, &place()).unwrap();
        assert!(String::from_utf8_lossy(&it).ends_with("Stato\nNuovo\n"));
        let en = render(&coded, ExportFormat::ExcelIt, &english).unwrap();
        assert!(String::from_utf8_lossy(&en).ends_with("Status\nNew\n"));
        let csv = render(&coded, ExportFormat::Csv, &english).unwrap();
        assert_eq!(String::from_utf8_lossy(&csv), "status\nnew\n");
        // Programs' CSV keeps the keys whatever the language.
        let plain = String::from_utf8(render(&s, ExportFormat::Csv, &english).unwrap()).unwrap();
        assert!(
            plain.starts_with("name,phone,value,created_at,tessera\n"),
            "{plain}"
        );
    }

    #[test]
    fn json_is_not_a_sheet() {
        assert!(render(&sample(), ExportFormat::Json, &place()).is_err());
    }
}
