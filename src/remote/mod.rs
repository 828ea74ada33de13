//! Calls to AWS services: the only folder that imports the SDK, smithy or tokio (the cold path).

pub(crate) mod federation;
pub(crate) mod named_source;
pub(crate) mod net;
pub(crate) mod oidc;
pub(crate) mod portal;
pub(crate) mod sdk;
pub(crate) mod signin;
pub(crate) mod sts;
pub(crate) mod vanity;
