//! The operator tools: verdicts over Aliyun's read-only APIs, for the CLI's `doctor` (and the
//! `status` command, whose parsing lives with its API in [`crate::aliyun::api::query_send_details`]).
//! Logto never runs them.

pub mod doctor;
