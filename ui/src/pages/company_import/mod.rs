//! Companies import and vCard import, on the same Import screen: a
//! companies CSV (profile columns, parent by name, custom fields) with the
//! same preview and editable mapping as the other imports; a .vcf file of
//! contacts with the duplicate choice. Both end with the same report.

mod companies;
mod inputs;
mod vcard;

pub use companies::CompanyImport;
pub use vcard::VcardImport;
