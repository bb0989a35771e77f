//! The format of an export (issue 15, item 6): a picker beside each
//! export button, "Excel (Italia)" first, the choice kept by the page.

use banco::model::ExportFormat;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::tr;

/// What the picker shows and changes.
#[derive(Properties, PartialEq)]
pub struct ExportFormatProps {
    /// The element id (e.g. `leads-export-format`).
    pub id: AttrValue,
    /// The page's chosen format.
    pub format: UseStateHandle<ExportFormat>,
    /// Whether JSON is offered (the Leads list only).
    #[prop_or_default]
    pub json: bool,
}

/// The formats a page may export in, Excel (Italia) first.
pub fn offered(json: bool) -> Vec<ExportFormat> {
    let mut formats = vec![ExportFormat::ExcelIt, ExportFormat::Xlsx, ExportFormat::Csv];
    if json {
        formats.push(ExportFormat::Json);
    }
    formats
}

/// A `<select>` of the export formats.
#[function_component(ExportFormatPicker)]
pub fn export_format_picker(props: &ExportFormatProps) -> Html {
    let onchange = {
        let format = props.format.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Ok(f) = value.parse::<ExportFormat>() {
                format.set(f);
            }
        })
    };
    html! {
        <select id={props.id.clone()} class="export-format" aria-label={tr("export.format")} {onchange}>
            { for offered(props.json).into_iter().map(|f| html! {
                <option value={f.as_str()} selected={*props.format == f}>{ tr(&format!("export.{}", f.as_str())) }</option>
            }) }
        </select>
    }
}
