//! One module per view. Each asks the worker for what it shows through
//! `queries::answer_signal` and only renders.

pub mod allocations;
pub mod chart;
pub mod common;
pub mod compare;
pub mod cycles;
pub mod dominators;
pub mod graph;
pub mod growth;
pub mod instances;
pub mod lines;
pub mod object;
pub mod overview;
pub mod retainers;
pub mod search;
pub mod timeline;
pub mod tree;
pub mod types;
