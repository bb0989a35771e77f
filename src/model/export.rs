//! The formats a list or a KPI table can be exported in (issue 15, item 6).

use serde::{Deserialize, Serialize};

use super::string_enum::string_enum;
use super::FieldError;

string_enum! {
    /// How an export is written. `Csv` is for other programs (`,`, UTF-8,
    /// `.` decimals, RFC 3339 UTC times, phones in E.164, column keys as
    /// headers); `ExcelIt` is a CSV that Italian Excel opens as a table
    /// (`;`, UTF-8 with a byte-order mark, `,` decimals, dates
    /// `dd/mm/yyyy` and times in the shop's time zone, Italian headers,
    /// phones as text); `Xlsx` an Excel workbook (typed numbers, dates and
    /// text cells); `Json` an array of the list's items (leads only).
    #[derive(Default)]
    ExportFormat {
        /// Plain CSV.
        #[default]
        Csv = "csv",
        /// CSV for Excel set to Italian.
        ExcelIt = "excel-it",
        /// An Excel workbook (Office Open XML).
        Xlsx = "xlsx",
        /// JSON (the Leads list only).
        Json = "json",
    }
}

impl ExportFormat {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv | ExportFormat::ExcelIt => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Json => "json",
        }
    }
}
