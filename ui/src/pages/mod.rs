//! One module per screen.

pub mod about;
pub mod backups;
pub mod calls;
pub mod companies;
pub mod company_import;
pub mod connect;
pub mod contact_settings;
pub mod counter;
pub mod custom_fields;
pub mod dashboard;
pub mod deal_forms;
pub mod deal_import;
pub mod deals;
pub mod desk;
pub mod duplicates;
pub mod import;
pub mod leads;
pub mod meetings;
pub mod mentions;
pub mod notes;
pub mod outbox;
pub mod pipeline_settings;
pub mod records;
pub mod sales_settings;
pub mod search;
pub mod settings;
