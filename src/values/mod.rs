//! The value layer: numbers, money, percentages, durations and dates recognised in contract
//! text, with byte spans. Rules ask for them (`require` with `entity:`), compare them
//! (`range`) and cross-check them (`consistency`).

pub mod dec;
pub mod number;

pub use dec::Dec;
pub use number::{Form, Num};
