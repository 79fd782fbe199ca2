//! `GetSmsSign` (API 2017-05-25): the review state of one signature name. Read-only; the
//! doctor uses it to check `signName` and, as the first signed call, the credentials.

use serde::Serialize;

use crate::aliyun::api::review::Review;
use crate::aliyun::call::Call;
use crate::aliyun::credential::Redactor;
use crate::aliyun::response::Answer;
use crate::error::Failure;

pub const ACTION: &str = "GetSmsSign";
pub const VERSION: &str = "2017-05-25";
/// The RAM action a key needs to make this call.
pub const PERMISSION: &str = "dysms:GetSmsSign";

/// The parameters of one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetSmsSign {
    pub sign_name: String,
}

impl GetSmsSign {
    pub fn call(&self) -> Call<'_> {
        Call {
            action: ACTION,
            version: VERSION,
            parameters: vec![("SignName", self.sign_name.as_str())],
        }
    }
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SmsSign {
    pub request_id: String,
    pub sign_name: Option<String>,
    #[serde(flatten)]
    pub review: Review,
    pub create_date: Option<String>,
}

/// Reads the answer; error codes map like `SendSms`'s (the same account, the same codes).
/// `redactor` holds the credentials the request was signed with (see [`Answer::parse`]).
pub fn parse(status: u16, body: &str, redactor: &Redactor) -> Result<SmsSign, Failure> {
    let answer = Answer::parse_ok(
        ACTION,
        status,
        body,
        redactor,
        crate::aliyun::api::send_sms::ERRORS,
    )?;
    Ok(SmsSign {
        request_id: answer.string("RequestId")?.unwrap_or_default(),
        sign_name: answer.string("SignName")?,
        review: Review::read(answer.object(), "SignStatus"),
        create_date: answer.string("CreateDate")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aliyun::api::review::ReviewState;
    use crate::error::ErrorCode;
    use crate::test_fixtures::failure;

    #[test]
    fn call_names_the_signature() {
        let query = GetSmsSign {
            sign_name: "登录验证".into(),
        };
        let call = query.call();
        assert_eq!(call.action, "GetSmsSign");
        assert_eq!(call.version, "2017-05-25");
        assert_eq!(call.parameters, vec![("SignName", "登录验证")]);
    }

    #[test]
    fn parses_a_rejection() {
        let body = r#"{"Code":"OK","Message":"OK","RequestId":"R1","SignName":"Logto",
            "SignStatus":2,"CreateDate":"2026-06-03 10:02:34",
            "AuditInfo":{"RejectInfo":"The documents do not prove the name","AuditDate":"2026-06-03 12:02:34"}}"#;
        let sign = parse(200, body, &Redactor::none()).unwrap();
        assert_eq!(sign.request_id, "R1");
        assert_eq!(sign.sign_name.as_deref(), Some("Logto"));
        assert_eq!(sign.review.state, ReviewState::Rejected);
        assert_eq!(
            sign.review.reject_info.as_deref(),
            Some("The documents do not prove the name")
        );
        assert_eq!(
            serde_json::to_value(&sign).unwrap()["state"],
            serde_json::json!("rejected")
        );
    }

    #[test]
    fn errors_keep_aliyun_code() {
        let body =
            r#"{"Code":"isv.SMS_SIGNATURE_ILLEGAL","Message":"no such sign","RequestId":"R"}"#;
        let failure = failure(
            parse(200, body, &Redactor::none()),
            ErrorCode::InvalidConfig,
            "Aliyun GetSmsSign failed: isv.SMS_SIGNATURE_ILLEGAL",
        );
        assert_eq!(
            failure.data.aliyun_code.as_deref(),
            Some("isv.SMS_SIGNATURE_ILLEGAL")
        );
        assert_eq!(
            parse(200, r#"{"Code":"OK","SignName":7}"#, &Redactor::none())
                .unwrap_err()
                .code,
            ErrorCode::InvalidResponse
        );
    }
}
