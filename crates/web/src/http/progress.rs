//! State of this process that pages share with the application state.

use std::{collections::HashMap, sync::Mutex};

use uuid::Uuid;

/// Progress of the spreadsheet imports running in this process: (rows
/// done, rows in all) by import batch.
#[derive(Default)]
pub struct ImportProgress(pub Mutex<HashMap<Uuid, (usize, usize)>>);
