//! Deal forms: editing a deal's offer lines and terms, and opening a deal by
//! hand for a person found by phone or e-mail.

mod editor;
mod lines;
mod link_customer;
mod new_deal;

pub use editor::DealEditor;
pub use lines::major;
pub use link_customer::LinkCustomer;
pub use new_deal::NewDealForm;
