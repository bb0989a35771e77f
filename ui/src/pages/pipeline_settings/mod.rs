//! Settings of the sales process: pipelines (create, rename, archive), their
//! stages (add, rename, default probability, reorder, archive) and the lost
//! reasons. Store managers and admins; the core refuses others.

mod pipeline_card;
mod stage_row;
mod view;

pub use view::PipelineSettings;
