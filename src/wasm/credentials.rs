//! Temporary credentials at the boundary: fetched through the host's `fetch` (STS or the ECS
//! metadata service), cached per credential source until 3 minutes before they expire, and one
//! refresh shared by every send that needs it.
//!
//! The shared refresh is a JS promise kept in the cache next to a cell for its outcome: the first
//! send that finds the credentials missing or stale starts the refresh; every send arriving
//! before it ends awaits the same promise and reads the same outcome. A failed refresh fails all
//! of them with the same `Failure`, and leaves nothing behind, so the next send starts a new one.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

use super::http::{settle, settle_within, Settled};
use super::{fetch_text, now_ms, random_nonce, Outgoing};
use crate::aliyun::api::sts;
use crate::aliyun::call::{self, SignatureVersion, SignedRequest, Target, Timestamp};
use crate::aliyun::credential::ecs_metadata;
use crate::aliyun::credential::provider::{self, CredentialSource, Step};
use crate::aliyun::credential::{Credentials, Redactor, Secret, Temporary};
use crate::connector::config::Config;
use crate::error::{ErrorCode, Failure};

/// Logto runs one connector instance per tenant in one process: keep the credentials of a few
/// configs at once, dropping the least recently used beyond that.
const MAX_CACHED_SOURCES: usize = 16;
/// A token file is a few KiB; a bigger file is refused before it is copied into WebAssembly.
const MAX_TOKEN_FILE_CHARS: u32 = 64 * 1024;

type Outcome = Result<Rc<Temporary>, Failure>;

/// A refresh under way: settles (never rejects) after `outcome` is set.
#[derive(Clone)]
struct Pending {
    promise: js_sys::Promise,
    outcome: Rc<RefCell<Option<Outcome>>>,
}

struct Entry {
    source: CredentialSource,
    current: Option<Rc<Temporary>>,
    pending: Option<Pending>,
    last_used: u64,
}

thread_local! {
    static CACHE: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
    static USES: Cell<u64> = const { Cell::new(0) };
    /// Set by the JS layer: `(path | undefined) => string | Promise<string>`.
    static OIDC_TOKEN_READER: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Registers how the host reads the OIDC token file: called with the configured `oidcTokenFile`
/// (or `undefined`: the host's default, `ALIBABA_CLOUD_OIDC_TOKEN_FILE`), it returns the file's
/// text or a promise of it, and throws (or rejects) when the file cannot be read. Called afresh at
/// every refresh: the file is rotated.
#[wasm_bindgen(js_name = setOidcTokenReader)]
pub fn set_oidc_token_reader(reader: js_sys::Function) {
    OIDC_TOKEN_READER.set(Some(reader));
}

/// What signs a send.
pub(crate) enum Signer<'a> {
    Fixed(&'a Credentials),
    Temporary(Rc<Temporary>),
}

impl Signer<'_> {
    pub(crate) fn credentials(&self) -> &Credentials {
        match self {
            Self::Fixed(credentials) => credentials,
            Self::Temporary(temporary) => &temporary.credentials,
        }
    }
}

enum Found {
    Ready(Rc<Temporary>),
    Wait(Pending),
    Start,
}

/// The credentials for a send with `config`: the configured pair, cached temporary ones, or the
/// outcome of a refresh (started here, or already under way).
pub(crate) async fn signer(config: &Config) -> Result<Signer<'_>, Failure> {
    if let Some(fixed) = config.credentials.fixed() {
        return Ok(Signer::Fixed(fixed));
    }
    let source = &config.credentials;
    let pending = match find(source) {
        Found::Ready(temporary) => return Ok(Signer::Temporary(temporary)),
        Found::Wait(pending) => pending,
        Found::Start => {
            let pending = start(source.clone(), config.signature_version, config.timeout_ms);
            with_entry(source, |entry| {
                // A refresh that somehow ended already has stored its outcome itself.
                if pending.outcome.borrow().is_none() {
                    entry.pending = Some(pending.clone());
                }
            });
            pending
        }
    };
    // The refresh bounds each of its steps (two at most) by its starter's timeout. A send waits
    // at most what its own refresh could take: no longer than its own timeout allows when it
    // joined one with a longer timeout, and long enough that a refresh's own outcome (its step's
    // failure) reaches every send of the same timeout, even one that joined before the refresh
    // started its timer. The promise only ever resolves; the outcome is in the cell.
    let wait_ms = config.timeout_ms.saturating_mul(3);
    match settle(&pending.promise, wait_ms).await {
        Settled::TimedOut => {
            return Err(Failure::new(
                ErrorCode::General,
                format!(
                "The credential refresh this send waited for did not finish within {wait_ms} ms"
            ),
            ))
        }
        Settled::Unavailable(why) => return Err(Failure::new(ErrorCode::General, why)),
        Settled::Value(_) | Settled::Threw(_) => {}
    }
    let outcome = pending.outcome.borrow().clone();
    outcome
        .unwrap_or_else(|| {
            Err(Failure::new(
                ErrorCode::General,
                "The credential refresh ended without an outcome",
            ))
        })
        .map(Signer::Temporary)
}

/// Looks `source` up (adding it), and says what a send should do.
fn find(source: &CredentialSource) -> Found {
    let now = now_ms();
    let tick = USES.get().wrapping_add(1);
    USES.set(tick);
    CACHE.with_borrow_mut(|cache| {
        let index = match cache.iter().position(|entry| entry.source == *source) {
            Some(index) => index,
            None => {
                evict(cache);
                cache.push(Entry {
                    source: source.clone(),
                    current: None,
                    pending: None,
                    last_used: tick,
                });
                cache.len() - 1
            }
        };
        let Some(entry) = cache.get_mut(index) else {
            return Found::Start;
        };
        entry.last_used = tick;
        if let Some(pending) = &entry.pending {
            return Found::Wait(pending.clone());
        }
        match &entry.current {
            Some(temporary) if !temporary.needs_refresh(now) => Found::Ready(temporary.clone()),
            _ => Found::Start,
        }
    })
}

/// Makes room for one more entry: drops the least recently used one without a refresh under way.
fn evict(cache: &mut Vec<Entry>) {
    if cache.len() < MAX_CACHED_SOURCES {
        return;
    }
    let oldest = cache
        .iter()
        .enumerate()
        .filter(|(_, entry)| entry.pending.is_none())
        .min_by_key(|(_, entry)| entry.last_used)
        .map(|(index, _)| index);
    if let Some(index) = oldest {
        cache.swap_remove(index);
    }
}

fn with_entry(source: &CredentialSource, update: impl FnOnce(&mut Entry)) {
    CACHE.with_borrow_mut(|cache| {
        if let Some(entry) = cache.iter_mut().find(|entry| entry.source == *source) {
            update(entry);
        }
    });
}

/// Starts a refresh for `source`; its outcome lands in the cache and in the returned cell.
fn start(source: CredentialSource, version: SignatureVersion, timeout_ms: u32) -> Pending {
    let outcome: Rc<RefCell<Option<Outcome>>> = Rc::new(RefCell::new(None));
    let record = outcome.clone();
    let promise = future_to_promise(async move {
        let result = refresh(&source, version, timeout_ms).await.map(Rc::new);
        with_entry(&source, |entry| {
            entry.pending = None;
            if let Ok(temporary) = &result {
                entry.current = Some(temporary.clone());
            }
        });
        *record.borrow_mut() = Some(result);
        Ok(JsValue::UNDEFINED)
    });
    Pending { promise, outcome }
}

/// Drops the cached credentials of `source` when Aliyun refused them (revoked, or expired early),
/// so the next send fetches new ones instead of failing the same way until they expire.
pub(crate) fn forget_if_rejected(source: &CredentialSource, failure: &Failure) {
    if source.fixed().is_some() {
        return;
    }
    let rejected = failure.data.aliyun_code.as_deref().is_some_and(|code| {
        code.starts_with("InvalidSecurityToken")
            || code.starts_with("InvalidAccessKeyId")
            || code == "SignatureDoesNotMatch"
    });
    if rejected {
        with_entry(source, |entry| entry.current = None);
    }
}

/// Removes the cached temporary credentials of `source` from `text`.
pub(crate) fn redact_cached(source: &CredentialSource, text: &mut String) {
    if source.fixed().is_some() {
        return;
    }
    CACHE.with_borrow(|cache| {
        if let Some(current) = cache
            .iter()
            .find(|entry| entry.source == *source)
            .and_then(|entry| entry.current.as_ref())
        {
            current.credentials.redact_in(text);
        }
    });
}

/// What one refresh works with: its deadline, and every secret it has seen (to redact).
struct Refresh<'a> {
    source: &'a CredentialSource,
    deadline_ms: u64,
    timeout_ms: u32,
    secrets: Vec<Secret>,
}

impl Refresh<'_> {
    /// What is left of the refresh's time, for the next step.
    fn remaining(&self, step: Step) -> Result<u32, Failure> {
        let left = self.deadline_ms.saturating_sub(now_ms());
        if left == 0 {
            return Err(self.failed(
                step,
                Failure::new(
                    ErrorCode::General,
                    format!(
                        "the refresh did not finish within the timeout of {} ms",
                        self.timeout_ms
                    ),
                ),
            ));
        }
        Ok(u32::try_from(left).unwrap_or(u32::MAX))
    }

    fn failed(&self, step: Step, failure: Failure) -> Failure {
        provider::step_failure(self.source.credential_type(), step, failure)
    }

    /// Every secret in play: the configured pair (which signs `AssumeRole`) and each token or
    /// secret the refresh has seen so far.
    fn redactor(&self) -> Redactor {
        let configured = self
            .source
            .access_key()
            .into_iter()
            .flat_map(|credentials| {
                std::iter::once(&credentials.access_key_secret).chain(&credentials.security_token)
            });
        Redactor::new(configured.chain(&self.secrets))
    }

    fn redact(&self, text: &mut String) {
        self.redactor().redact_in(text);
    }

    /// Sends one request of `step` within the deadline: status and body, the body redacted.
    async fn send(
        &self,
        step: Step,
        request: &Outgoing<'_>,
        service: &str,
    ) -> Result<(u16, String), Failure> {
        let timeout = self.remaining(step)?;
        let reply = fetch_text(request, timeout, service)
            .await
            .map_err(|failure| self.failed(step, failure))?;
        let (status, mut body) = (reply.status, reply.body);
        self.redact(&mut body);
        Ok((status, body))
    }

    async fn send_signed(
        &self,
        step: Step,
        request: &SignedRequest,
    ) -> Result<(u16, String), Failure> {
        let outgoing = Outgoing {
            method: request.method,
            url: &request.url,
            headers: &request.headers,
            body: request.body.as_deref(),
        };
        self.send(step, &outgoing, "STS").await
    }

    async fn send_metadata(
        &self,
        step: Step,
        request: &ecs_metadata::Request,
    ) -> Result<(u16, String), Failure> {
        let outgoing = Outgoing {
            method: request.method,
            url: &request.url,
            headers: &request.headers,
            body: None,
        };
        self.send(step, &outgoing, "the ECS metadata service").await
    }
}

/// Fetches new temporary credentials for `source`. Every failure says which step failed and
/// carries no secret seen on the way (the configured ones, the OIDC and metadata tokens).
async fn refresh(
    source: &CredentialSource,
    version: SignatureVersion,
    timeout_ms: u32,
) -> Result<Temporary, Failure> {
    let mut refresh = Refresh {
        source,
        deadline_ms: now_ms().saturating_add(u64::from(timeout_ms)),
        timeout_ms,
        secrets: Vec::new(),
    };
    let result = steps(&mut refresh, version).await;
    result.map_err(|failure| failure.redact_with(|text| refresh.redact(text)))
}

async fn steps(refresh: &mut Refresh<'_>, version: SignatureVersion) -> Result<Temporary, Failure> {
    match refresh.source {
        CredentialSource::AccessKey(_) => Err(Failure::new(
            ErrorCode::General,
            "An AccessKey pair has no temporary credentials to fetch",
        )),
        CredentialSource::RamRoleArn {
            source,
            session,
            sts_endpoint,
        } => {
            let step = Step::AssumeRole;
            let nonce = random_nonce().map_err(|f| refresh.failed(step, f))?;
            let timestamp = Timestamp::from_unix_millis(now_ms());
            let target = Target {
                endpoint: sts_endpoint,
                // STS is global: its calls carry no region.
                region_id: None,
                signature_version: version,
            };
            let call = sts::AssumeRole::new(session);
            let request = call::sign(&call.call(), source, target, &nonce, &timestamp);
            let (status, body) = refresh.send_signed(step, &request).await?;
            sts::parse(sts::ASSUME_ROLE, status, &body, &refresh.redactor())
                .map_err(|f| refresh.failed(step, f))
        }
        CredentialSource::OidcRoleArn {
            session,
            oidc_provider_arn,
            oidc_token_file,
            sts_endpoint,
        } => {
            let token = read_oidc_token(refresh, oidc_token_file.as_deref())
                .await
                .map_err(|f| refresh.failed(Step::ReadOidcToken, f))?;
            refresh.secrets.push(token.clone());
            let step = Step::AssumeRoleWithOidc;
            let request = sts::AssumeRoleWithOidc {
                session,
                oidc_provider_arn,
                oidc_token: &token,
            }
            .request(sts_endpoint, &Timestamp::from_unix_millis(now_ms()));
            let (status, body) = refresh.send_signed(step, &request).await?;
            sts::parse(
                sts::ASSUME_ROLE_WITH_OIDC,
                status,
                &body,
                &refresh.redactor(),
            )
            .map_err(|f| refresh.failed(step, f))
        }
        CredentialSource::EcsRamRole {
            role_name,
            metadata_endpoint,
        } => {
            let step = Step::MetadataToken;
            let request = ecs_metadata::token_request(metadata_endpoint);
            let (status, body) = refresh.send_metadata(step, &request).await?;
            let token =
                ecs_metadata::parse_token(status, &body).map_err(|f| refresh.failed(step, f))?;
            refresh.secrets.push(token.clone());
            let role_name = match role_name {
                Some(name) => name.clone(),
                None => {
                    let step = Step::MetadataRoleName;
                    let request = ecs_metadata::role_name_request(metadata_endpoint, &token);
                    let (status, body) = refresh.send_metadata(step, &request).await?;
                    ecs_metadata::parse_role_name(status, &body)
                        .map_err(|f| refresh.failed(step, f))?
                }
            };
            let step = Step::MetadataCredentials;
            let request = ecs_metadata::credentials_request(metadata_endpoint, &role_name, &token);
            let (status, body) = refresh.send_metadata(step, &request).await?;
            ecs_metadata::parse_credentials(&role_name, status, &body, &refresh.redactor())
                .map_err(|f| refresh.failed(step, f))
        }
    }
}

/// The OIDC token, read by the host from `file` (or its default) within the refresh's deadline.
async fn read_oidc_token(refresh: &Refresh<'_>, file: Option<&str>) -> Result<Secret, Failure> {
    let named = file.map_or_else(
        || "(named by ALIBABA_CLOUD_OIDC_TOKEN_FILE)".to_string(),
        str::to_string,
    );
    let unreadable = |why: String| {
        Failure::new(
            ErrorCode::InvalidConfig,
            format!("The OIDC token file {named} could not be read: {why}"),
        )
    };
    let Some(reader) = OIDC_TOKEN_READER.with_borrow(Clone::clone) else {
        return Err(Failure::new(
            ErrorCode::General,
            "This host cannot read the OIDC token file: no reader was registered with \
             setOidcTokenReader",
        ));
    };
    let timeout = refresh.remaining(Step::ReadOidcToken)?;
    let path = file.map_or(JsValue::UNDEFINED, JsValue::from_str);
    let text = match settle_within(&reader, &path, timeout).await {
        Settled::Value(text) => text,
        Settled::Unavailable(why) => return Err(Failure::new(ErrorCode::General, why)),
        Settled::TimedOut => {
            return Err(Failure::new(
                ErrorCode::General,
                format!("reading the OIDC token file {named} took longer than {timeout} ms"),
            ))
        }
        Settled::Threw(detail) => return Err(unreadable(detail)),
    };
    let Ok(text) = text.dyn_into::<js_sys::JsString>() else {
        return Err(unreadable("the host's reader returned no text".into()));
    };
    if text.length() > MAX_TOKEN_FILE_CHARS {
        return Err(unreadable(format!(
            "it holds more than {MAX_TOKEN_FILE_CHARS} characters"
        )));
    }
    provider::oidc_token(&String::from(text), &named)
}
