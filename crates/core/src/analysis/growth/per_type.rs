//! Per-type counts and shallow sizes in every snapshot of a series, with
//! monotonic growth flagged. The exporter's own types are left out;
//! infrastructure types (code, functions, classes, the standard library's)
//! rank after the program's and its data.

use crate::analysis::suspects::{classify_type, TypeClass};

use super::matching::Matching;
use super::SeriesHeap;

#[derive(Debug, Clone, PartialEq)]
pub struct TypeGrowth {
    pub type_name: String,
    pub class: TypeClass,
    pub counts: Vec<u64>,
    pub sizes_bytes: Vec<u64>,
    /// The count grew at every step.
    pub monotonic: bool,
}

impl TypeGrowth {
    pub fn count_growth(&self) -> i64 {
        *self.counts.last().unwrap_or(&0) as i64 - *self.counts.first().unwrap_or(&0) as i64
    }

    pub fn size_growth_bytes(&self) -> i64 {
        *self.sizes_bytes.last().unwrap_or(&0) as i64 - *self.sizes_bytes.first().unwrap_or(&0) as i64
    }
}

/// Types whose count or size changed across the series: monotonic growth
/// of program and data types first, then by size growth.
pub fn type_growth(series: &[SeriesHeap], m: &Matching) -> Vec<TypeGrowth> {
    let t = m.type_names.len();
    let n = series.len();
    let mut counts = vec![0u64; t * n];
    let mut sizes = vec![0u64; t * n];
    for (k, s) in series.iter().enumerate() {
        for (i, &local) in s.analysis.types.of_object.iter().enumerate() {
            let g = m.global_type[k][local as usize] as usize;
            counts[g * n + k] += 1;
            sizes[g * n + k] += s.heap.size_bytes[i];
        }
    }
    let mut out: Vec<TypeGrowth> = (0..t)
        .filter(|&g| !m.type_names[g].starts_with("heapscope."))
        .map(|g| {
            let counts = counts[g * n..(g + 1) * n].to_vec();
            let sizes_bytes = sizes[g * n..(g + 1) * n].to_vec();
            let monotonic = counts.windows(2).all(|w| w[1] > w[0]);
            TypeGrowth { type_name: m.type_names[g].clone(), class: classify_type(&m.type_names[g]), counts, sizes_bytes, monotonic }
        })
        .filter(|r| r.counts.windows(2).any(|w| w[0] != w[1]) || r.sizes_bytes.windows(2).any(|w| w[0] != w[1]))
        .collect();
    out.sort_by(|a, b| rank(a).cmp(&rank(b)).then(b.size_growth_bytes().cmp(&a.size_growth_bytes())).then(a.type_name.cmp(&b.type_name)));
    out
}

/// 0: program/data types that grew at every step; 1: other growth; 2: the rest.
pub fn rank(r: &TypeGrowth) -> u8 {
    match (r.monotonic, r.class) {
        (true, TypeClass::User | TypeClass::Data) => 0,
        _ if r.count_growth() > 0 || r.size_growth_bytes() > 0 => 1,
        _ => 2,
    }
}
