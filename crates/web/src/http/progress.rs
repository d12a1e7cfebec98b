//! State of this process that pages share with the application state.

/// Progress of the spreadsheet imports running in this process.
pub use services::imports::batch::Progress as ImportProgress;
