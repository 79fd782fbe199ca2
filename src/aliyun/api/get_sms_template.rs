//! `GetSmsTemplate` (API 2017-05-25): the review state and content of one template. Read-only;
//! the doctor uses it to check each configured template code, and reads the content for the
//! `${name}` variables a send has to fill.

use serde::Serialize;

use crate::aliyun::api::review::Review;
use crate::aliyun::call::Call;
use crate::aliyun::credential::Redactor;
use crate::aliyun::response::Answer;
use crate::error::Failure;

pub const ACTION: &str = "GetSmsTemplate";
pub const VERSION: &str = "2017-05-25";
/// The RAM action a key needs to make this call.
pub const PERMISSION: &str = "dysms:GetSmsTemplate";

/// The parameters of one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetSmsTemplate {
    pub template_code: String,
}

impl GetSmsTemplate {
    pub fn call(&self) -> Call<'_> {
        Call {
            action: ACTION,
            version: VERSION,
            parameters: vec![("TemplateCode", self.template_code.as_str())],
        }
    }
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SmsTemplate {
    pub request_id: String,
    pub template_code: Option<String>,
    pub template_name: Option<String>,
    /// The text with its `${name}` variables, e.g. `Your code is ${code}`.
    pub template_content: Option<String>,
    /// `0` verification code, `1` notification, `2` promotion, `3` international.
    pub template_type: Option<String>,
    #[serde(flatten)]
    pub review: Review,
}

/// Reads the answer; error codes map like `SendSms`'s (the same account, the same codes).
/// `redactor` holds the credentials the request was signed with (see [`Answer::parse`]).
pub fn parse(status: u16, body: &str, redactor: &Redactor) -> Result<SmsTemplate, Failure> {
    let answer = Answer::parse_ok(
        ACTION,
        status,
        body,
        redactor,
        crate::aliyun::api::send_sms::ERRORS,
    )?;
    let template_type = match answer.get("TemplateType") {
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => answer.string("TemplateType")?,
    };
    Ok(SmsTemplate {
        request_id: answer.string("RequestId")?.unwrap_or_default(),
        template_code: answer.string("TemplateCode")?,
        template_name: answer.string("TemplateName")?,
        template_content: answer.string("TemplateContent")?,
        template_type,
        review: Review::read(answer.object(), "TemplateStatus"),
    })
}

/// The names of the `${name}` variables in a template's content, each once, in order of first
/// appearance. An unclosed `${` is no variable.
pub fn variables(content: &str) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    let mut rest = content;
    while let Some((_, after)) = rest.split_once("${") {
        let Some((name, tail)) = after.split_once('}') else {
            break;
        };
        let name = name.trim();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
        rest = tail;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aliyun::api::review::ReviewState;
    use crate::error::ErrorCode;
    use crate::test_fixtures::failure;

    #[test]
    fn call_names_the_template() {
        let query = GetSmsTemplate {
            template_code: "SMS_20375".into(),
        };
        let call = query.call();
        assert_eq!(call.action, "GetSmsTemplate");
        assert_eq!(call.version, "2017-05-25");
        assert_eq!(call.parameters, vec![("TemplateCode", "SMS_20375")]);
    }

    #[test]
    fn parses_status_as_string_or_number() {
        let body = r#"{"Code":"OK","RequestId":"R","TemplateCode":"SMS_1","TemplateName":"Login",
            "TemplateContent":"Your code is ${code}","TemplateType":"0","TemplateStatus":"1"}"#;
        let template = parse(200, body, &Redactor::none()).unwrap();
        assert_eq!(template.review.state, ReviewState::Approved);
        assert_eq!(
            template.template_content.as_deref(),
            Some("Your code is ${code}")
        );
        assert_eq!(template.template_type.as_deref(), Some("0"));
        let numeric = parse(
            200,
            r#"{"Code":"OK","TemplateStatus":0,"TemplateType":3}"#,
            &Redactor::none(),
        )
        .unwrap();
        assert_eq!(numeric.review.state, ReviewState::UnderReview);
        assert_eq!(numeric.template_type.as_deref(), Some("3"));
    }

    #[test]
    fn errors_keep_aliyun_code() {
        let body = r#"{"Code":"isv.SMS_TEMPLATE_ILLEGAL","RequestId":"R"}"#;
        failure(
            parse(200, body, &Redactor::none()),
            ErrorCode::InvalidConfig,
            "Aliyun GetSmsTemplate failed: isv.SMS_TEMPLATE_ILLEGAL",
        );
        assert_eq!(
            parse(
                200,
                r#"{"Code":"OK","TemplateContent":["x"]}"#,
                &Redactor::none()
            )
            .unwrap_err()
            .code,
            ErrorCode::InvalidResponse
        );
    }

    #[test]
    fn finds_variables() {
        assert_eq!(variables("Your code is ${code}."), vec!["code"]);
        assert_eq!(
            variables("${name}, code ${code}, again ${code}, ${ product }"),
            vec!["name", "code", "product"]
        );
        assert_eq!(variables("no variables"), Vec::<&str>::new());
        assert_eq!(variables("cost $5 {x} ${}"), Vec::<&str>::new());
        assert_eq!(variables("open ${code"), Vec::<&str>::new());
        assert_eq!(variables("中文${code}中文"), vec!["code"]);
    }
}
