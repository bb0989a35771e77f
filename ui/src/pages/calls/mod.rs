//! Calls: the call button of every number (contact rules, manager
//! override, dialling through the opener), the outcome dialog shown when
//! the user comes back, the inbound-call dialog, the "to call" queue, and
//! the calls-and-meetings panel of a record.

mod call_button;
mod contact_panel;
mod inbound;
mod outcome;
mod to_call;

pub use call_button::CallButton;
pub use contact_panel::ContactPanel;
pub use inbound::InboundDialog;
pub use outcome::OutcomeDialog;
pub use to_call::ToCall;
