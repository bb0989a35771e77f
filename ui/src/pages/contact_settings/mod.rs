//! Settings of contacts: the user's dialling scheme; the tenant's contact
//! rules (time zone, quiet hours, daily cap, lead SLA); the meeting
//! server and this computer's key for it;
//! the do-not-call list; each stage's playbook and each campaign's cadence.

mod cadences;
mod inputs;
mod meeting_server;
mod playbooks;
mod view;

pub use view::ContactSettingsView;
