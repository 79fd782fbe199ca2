//! `QuerySendDetails` of the Message Authentication Service (product dypnsapi, API 2017-05-25):
//! what became of the codes `SendSmsVerifyCode` sent to one number on one day. The parameters are
//! those of the SMS product's call of the same name ([`QuerySendDetails`]); the answer lists the
//! records under `Model`, and errors map through `SendSmsVerifyCode`'s table (the same account).
//!
//! Read-only: the operator tools use it (`doctor` to try the key, `status` to look a code up).

use crate::aliyun::api::query_send_details::{self, SendDetails};
use crate::aliyun::api::send_sms_verify_code;
use crate::aliyun::call::Call;
use crate::aliyun::credential::Redactor;
use crate::aliyun::response::Answer;
use crate::error::Failure;

pub use crate::aliyun::api::query_send_details::QuerySendDetails;

pub const ACTION: &str = "QuerySendDetails";
pub const VERSION: &str = "2017-05-25";
/// The RAM action a key needs to make this call.
pub const PERMISSION: &str = "dypns:QuerySendDetails";

/// The call for `query` on dypnsapi (the same parameters as the SMS product's).
pub fn call(query: &QuerySendDetails) -> Call<'_> {
    let mut call = query.call();
    call.action = ACTION;
    call.version = VERSION;
    call
}

/// Reads the answer: `Code: OK` with HTTP 2xx and the records under `Model`.
pub fn parse(status: u16, body: &str, redactor: &Redactor) -> Result<SendDetails, Failure> {
    let answer = Answer::parse_ok(ACTION, status, body, redactor, send_sms_verify_code::ERRORS)?;
    query_send_details::details(&answer, answer.get("Model"), "Model")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aliyun::api::query_send_details::DeliveryState;
    use crate::error::ErrorCode;
    use crate::test_fixtures::invalid_responses;

    #[test]
    fn the_call_is_the_sms_product_s_parameters_on_dypnsapi() {
        let query = QuerySendDetails {
            phone_number: "13012345678".into(),
            biz_id: Some("B^0".into()),
            send_date: "20261207".into(),
        };
        let call = call(&query);
        assert_eq!(
            (call.action, call.version),
            ("QuerySendDetails", "2017-05-25")
        );
        assert_eq!(call.parameters, query.call().parameters);
    }

    #[test]
    fn records_come_from_model() {
        let body = r#"{"Code":"OK","Message":"成功","Success":true,"RequestId":"R","TotalCount":1,
            "Model":[{"PhoneNum":"13012345678","SendStatus":3,"ErrCode":"DELIVERED","TemplateCode":"100001",
            "Content":"【速通互联验证码】您的验证码为123456","SendDate":"2026-12-07 10:00:00","ReceiveDate":"2026-12-07 10:00:03"}]}"#;
        let details = parse(200, body, &Redactor::none()).unwrap();
        assert_eq!(details.request_id, "R");
        assert_eq!(details.total_count, 1);
        let [record] = details.details.as_slice() else {
            panic!("{details:?}")
        };
        assert_eq!(record.state, DeliveryState::Delivered);
        assert_eq!(record.template_code.as_deref(), Some("100001"));
        let none = parse(200, r#"{"Code":"OK","RequestId":"R"}"#, &Redactor::none()).unwrap();
        assert!(none.details.is_empty());
    }

    #[test]
    fn errors_map_through_the_verify_code_table() {
        let failure = parse(
            200,
            r#"{"Code":"BIZ_NOT_OPEN_STATUS","Message":"x","Success":false}"#,
            &Redactor::none(),
        )
        .unwrap_err();
        assert_eq!(failure.code, ErrorCode::InvalidConfig);
        assert!(failure
            .data
            .error_description
            .starts_with("Aliyun QuerySendDetails failed: BIZ_NOT_OPEN_STATUS: "));
        invalid_responses(
            &[
                r#"{"Code":"OK","Model":{"PhoneNum":"1"}}"#,
                r#"{"Code":"OK","Model":[{"SendStatus":9}]}"#,
            ],
            |body| parse(200, body, &Redactor::none()),
        );
    }
}
