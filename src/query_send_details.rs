//! `QuerySendDetails` (API 2017-05-25): what became of the messages sent to one number on one
//! day, optionally narrowed to one `BizId` (the receipt `SendSms` returns).

use serde::Serialize;
use serde_json::Value;

use crate::call::Call;
use crate::credential::Redactor;
use crate::error::Failure;
use crate::response::Answer;

pub const ACTION: &str = "QuerySendDetails";
pub const VERSION: &str = "2017-05-25";

/// The parameters of one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuerySendDetails {
    /// Digits with the country code, no `+` (mainland numbers may omit `86`).
    pub phone_number: String,
    pub biz_id: Option<String>,
    /// `YYYYMMDD`, in Asia/Shanghai time as Aliyun counts days; the last 30 days only.
    pub send_date: String,
}

/// Records per page: Aliyun's maximum, so one page holds a day's codes for one number.
const PAGE_SIZE: &str = "50";

impl QuerySendDetails {
    /// The first page of records.
    pub fn call(&self) -> Call<'_> {
        let mut parameters = vec![
            ("PhoneNumber", self.phone_number.as_str()),
            ("SendDate", self.send_date.as_str()),
            ("PageSize", PAGE_SIZE),
            ("CurrentPage", "1"),
        ];
        if let Some(biz_id) = &self.biz_id {
            parameters.push(("BizId", biz_id.as_str()));
        }
        Call {
            action: ACTION,
            version: VERSION,
            parameters,
        }
    }
}

/// Where a message is, by Aliyun's `SendStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// 1: the carrier has not reported yet.
    Waiting,
    /// 2: the carrier reported a failure (`ErrCode` says why).
    Failed,
    /// 3: delivered to the handset.
    Delivered,
}

/// One message's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendDetail {
    pub phone_number: String,
    pub state: DeliveryState,
    /// The carrier's code, `DELIVERED` on success.
    pub err_code: Option<String>,
    pub template_code: Option<String>,
    pub content: Option<String>,
    /// `YYYY-MM-DD hh:mm:ss`, Asia/Shanghai.
    pub send_date: Option<String>,
    pub receive_date: Option<String>,
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendDetails {
    pub request_id: String,
    pub total_count: u64,
    pub details: Vec<SendDetail>,
}

/// Reads the answer; errors map like `SendSms`'s (the same account, the same codes).
/// `redactor` holds the credentials the request was signed with (see [`Answer::parse`]).
pub fn parse(status: u16, body: &str, redactor: &Redactor) -> Result<SendDetails, Failure> {
    let answer = Answer::parse(ACTION, status, body, redactor)?;
    let code = answer.required_string("Code")?;
    let message = answer.string("Message")?;
    let request_id = answer.string("RequestId")?;
    if code != "OK" || !answer.is_http_success() {
        return Err(crate::send_sms::failure(&answer, &code, message.as_deref()));
    }
    // Aliyun writes TotalCount as a number or a numeric string depending on the SDK edition.
    let total_count = match answer.get("TotalCount") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        None | Some(Value::Null) => Some(0),
        _ => None,
    }
    .ok_or_else(|| answer.invalid("TotalCount should be a whole number".into()))?;
    let records = answer
        .get("SmsSendDetailDTOs")
        .and_then(|dtos| dtos.get("SmsSendDetailDTO"));
    let records = match records {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(records)) => records.as_slice(),
        Some(_) => {
            return Err(answer.invalid("SmsSendDetailDTOs.SmsSendDetailDTO should be a list".into()))
        }
    };
    let details = records
        .iter()
        .map(|record| detail(&answer, record))
        .collect::<Result<_, _>>()?;
    Ok(SendDetails {
        request_id: request_id.unwrap_or_default(),
        total_count,
        details,
    })
}

fn detail(answer: &Answer<'_>, record: &Value) -> Result<SendDetail, Failure> {
    let text = |key: &str| -> Result<Option<String>, Failure> {
        match record.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(answer.invalid(format!("{key} of a send detail should be a string"))),
        }
    };
    let state = match record.get("SendStatus").and_then(status_number) {
        Some(1) => DeliveryState::Waiting,
        Some(2) => DeliveryState::Failed,
        Some(3) => DeliveryState::Delivered,
        _ => return Err(answer.invalid("SendStatus should be 1, 2 or 3".into())),
    };
    Ok(SendDetail {
        phone_number: text("PhoneNum")?.unwrap_or_default(),
        state,
        err_code: text("ErrCode")?,
        template_code: text("TemplateCode")?,
        content: text("Content")?,
        send_date: text("SendDate")?,
        receive_date: text("ReceiveDate")?,
    })
}

fn status_number(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn call_has_the_documented_parameters() {
        let query = QuerySendDetails {
            phone_number: "8613012345678".into(),
            biz_id: Some("900619746936498440^0".into()),
            send_date: "20261201".into(),
        };
        let call = query.call();
        assert_eq!(call.action, "QuerySendDetails");
        assert_eq!(call.version, "2017-05-25");
        assert_eq!(
            call.parameters,
            vec![
                ("PhoneNumber", "8613012345678"),
                ("SendDate", "20261201"),
                ("PageSize", "50"),
                ("CurrentPage", "1"),
                ("BizId", "900619746936498440^0"),
            ]
        );
    }

    #[test]
    fn parses_each_state() {
        let body = r#"{"Code":"OK","Message":"OK","RequestId":"R","TotalCount":3,
            "SmsSendDetailDTOs":{"SmsSendDetailDTO":[
              {"PhoneNum":"8613012345678","SendStatus":1,"TemplateCode":"SMS_1","SendDate":"2026-12-01 10:00:00"},
              {"PhoneNum":"8613012345678","SendStatus":2,"ErrCode":"MK:0001"},
              {"PhoneNum":"8613012345678","SendStatus":3,"ErrCode":"DELIVERED","ReceiveDate":"2026-12-01 10:00:05"}
            ]}}"#;
        let details = parse(200, body, &Redactor::none()).unwrap();
        assert_eq!(details.total_count, 3);
        let states: Vec<DeliveryState> = details.details.iter().map(|d| d.state).collect();
        assert_eq!(
            states,
            [
                DeliveryState::Waiting,
                DeliveryState::Failed,
                DeliveryState::Delivered
            ]
        );
        assert_eq!(details.details[1].err_code.as_deref(), Some("MK:0001"));
        assert_eq!(
            details.details[2].receive_date.as_deref(),
            Some("2026-12-01 10:00:05")
        );
    }

    #[test]
    fn errors_and_odd_answers() {
        let failure = parse(
            200,
            r#"{"Code":"isv.MOBILE_NUMBER_ILLEGAL","RequestId":"R"}"#,
            &Redactor::none(),
        )
        .unwrap_err();
        assert_eq!(failure.code, ErrorCode::InvalidRequestParameters);
        assert!(failure
            .data
            .error_description
            .starts_with("Aliyun QuerySendDetails failed: isv.MOBILE_NUMBER_ILLEGAL"));
        for body in [
            r#"{"Code":"OK","SmsSendDetailDTOs":{"SmsSendDetailDTO":[{"SendStatus":9}]}}"#,
            r#"{"Code":"OK","SmsSendDetailDTOs":{"SmsSendDetailDTO":"x"}}"#,
            r#"{"Code":"OK","TotalCount":-1}"#,
        ] {
            assert_eq!(
                parse(200, body, &Redactor::none()).unwrap_err().code,
                ErrorCode::InvalidResponse,
                "{body}"
            );
        }
        let empty = parse(200, r#"{"Code":"OK","RequestId":"R"}"#, &Redactor::none()).unwrap();
        assert_eq!(empty.details, vec![]);
    }
}
