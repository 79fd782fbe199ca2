//! Alibaba Cloud's side: everything about talking to an Aliyun API, nothing about Logto.
//!
//! [`endpoint`] and [`credential`] (the keys, and beside them their loaders: [`credential::provider`]
//! and the ECS instance's metadata service) feed [`signature_v1`] and [`signature_v3`]; [`call`]
//! turns any API's action, version and parameters into one signed request; [`response`] reads any
//! API's JSON answer; [`api`] has one file per API.

pub mod api;
pub mod call;
pub mod credential;
pub mod endpoint;
pub mod response;
pub mod signature_v1;
pub mod signature_v3;
