//! Validation of webhook input: one field error per bad member.
