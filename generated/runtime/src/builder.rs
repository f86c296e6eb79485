//! The marker of a request builder's unset required fields.

/// A required field that a request builder has not been given yet.
///
/// Every generated request builder has a type parameter per required field, which is `Missing`
/// until the field's setter is called. `build()` exists only when none of them is `Missing`, so
/// a forgotten required field is a compile error, not a run-time one. Optional fields have no
/// type parameter: they start at their default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Missing;
