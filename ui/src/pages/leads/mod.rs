//! The Leads screen: search, filters, sorting and a paged list that asks
//! the database for one page at a time (50 rows), so it stays smooth with
//! hundreds of thousands of leads; and the lead detail with its status,
//! notes, consents and history.

mod convert;
mod list;
mod panel;
mod touches;

pub use list::Leads;
pub use panel::LeadPanel;
