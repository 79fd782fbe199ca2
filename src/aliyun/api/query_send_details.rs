//! `QuerySendDetails` (API 2017-05-25): what became of the messages sent to one number on one
//! day, optionally narrowed to one `BizId` (the receipt `SendSms` returns).

use serde::Serialize;
use serde_json::Value;

use crate::aliyun::call::{Call, Timestamp};
use crate::aliyun::credential::Redactor;
use crate::aliyun::response::Answer;
use crate::calendar::days_in_month;
use crate::connector::phone::PhoneNumber;
use crate::error::{ErrorCode, Failure};
use crate::limits::MAX_FIELD_BYTES;

pub const ACTION: &str = "QuerySendDetails";
pub const VERSION: &str = "2017-05-25";
/// The RAM action a key needs to make this call.
pub const PERMISSION: &str = "dysms:QuerySendDetails";
/// Asia/Shanghai is UTC+8 all year (no daylight saving since 1991).
const SHANGHAI_OFFSET_MILLIS: u64 = 8 * 3600 * 1000;

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
    /// The query for one sent message: `to` as the operator typed it (any form `send` takes),
    /// the `BizId` `SendSms` returned, and the day it was sent (`YYYYMMDD`, Asia/Shanghai).
    /// Mainland numbers are sent as their 11 national digits, as Aliyun's reference asks;
    /// `strict` is the config's `strictPhoneRegionNumberCheck`.
    pub fn for_message(
        to: &str,
        biz_id: &str,
        send_date: &str,
        strict: bool,
    ) -> Result<Self, Failure> {
        let bad = |why: String| Failure::new(ErrorCode::InvalidRequestParameters, why);
        let phone =
            PhoneNumber::parse(to).map_err(|e| bad(format!("Invalid phone number: {e}")))?;
        let digits = phone.for_aliyun();
        let phone_number = if phone.is_china(strict) {
            // Eleven digits, `1` first, after an optional `86`: the national number.
            digits
                .get(digits.len().saturating_sub(11)..)
                .unwrap_or(digits)
        } else {
            digits
        };
        let biz_id = biz_id.trim();
        if biz_id.is_empty()
            || biz_id.len() > MAX_FIELD_BYTES
            || !biz_id.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(bad(
                "Invalid BizId: expected the receipt id SendSms returned, e.g. 900619746936498440^0"
                    .into(),
            ));
        }
        if !is_send_date(send_date) {
            return Err(bad(format!(
                "Invalid send date {:?}: expected a calendar date as YYYYMMDD",
                crate::limits::clip(send_date)
            )));
        }
        Ok(Self {
            phone_number: phone_number.to_string(),
            biz_id: Some(biz_id.to_string()),
            send_date: send_date.to_string(),
        })
    }

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

/// The day (`YYYYMMDD`) in Asia/Shanghai at `unix_millis`: the calendar Aliyun files sends by.
pub fn shanghai_date(unix_millis: u64) -> String {
    let timestamp = Timestamp::from_unix_millis(unix_millis.saturating_add(SHANGHAI_OFFSET_MILLIS));
    timestamp
        .as_str()
        .split('T')
        .next()
        .unwrap_or_default()
        .replace('-', "")
}

/// `YYYYMMDD` naming a real Gregorian day.
pub fn is_send_date(text: &str) -> bool {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let number = |range: std::ops::Range<usize>| {
        text.get(range)
            .and_then(|part| part.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let (year, month, day) = (number(0..4), number(4..6), number(6..8));
    days_in_month(year, month).is_some_and(|days| year > 0 && (1..=days).contains(&day))
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
    let answer = Answer::parse_ok(
        ACTION,
        status,
        body,
        redactor,
        crate::aliyun::api::send_sms::ERRORS,
    )?;
    let records = answer
        .get("SmsSendDetailDTOs")
        .and_then(|dtos| dtos.get("SmsSendDetailDTO"));
    details(&answer, records, "SmsSendDetailDTOs.SmsSendDetailDTO")
}

/// The records of an OK answer, found at `records` (called `what` in a failure), with its
/// `RequestId` and `TotalCount`; shared with dypnsapi's `QuerySendDetails`, which lists the same
/// records elsewhere.
pub(crate) fn details(
    answer: &Answer<'_>,
    records: Option<&Value>,
    what: &str,
) -> Result<SendDetails, Failure> {
    let request_id = answer.string("RequestId")?;
    // Aliyun writes TotalCount as a number or a numeric string depending on the SDK edition.
    let total_count = match answer.get("TotalCount") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        None | Some(Value::Null) => Some(0),
        _ => None,
    }
    .ok_or_else(|| answer.invalid("TotalCount should be a whole number".into()))?;
    let records = match records {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(records)) => records.as_slice(),
        Some(_) => return Err(answer.invalid(format!("{what} should be a list"))),
    };
    let details = records
        .iter()
        .map(|record| detail(answer, record))
        .collect::<Result<_, _>>()?;
    Ok(SendDetails {
        request_id: request_id.unwrap_or_default(),
        total_count,
        details,
    })
}

fn detail(answer: &Answer<'_>, record: &Value) -> Result<SendDetail, Failure> {
    // Aliyun writes "" for what is not known yet (a waiting message's ReceiveDate).
    let text = |key: &str| -> Result<Option<String>, Failure> {
        match record.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
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
    use crate::test_fixtures::{failure, invalid_responses};

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
    fn for_message_normalises_the_number_and_checks_the_rest() {
        for (to, strict, expected) in [
            ("+86 130 1234 5678", false, "13012345678"),
            ("8613012345678", true, "13012345678"),
            ("13012345678", false, "13012345678"),
            // Strict: without a prefix this is an overseas number, sent as typed.
            ("13012345678", true, "13012345678"),
            ("+1 862 401 7194", false, "18624017194"),
            ("+852 6123 4567", false, "85261234567"),
        ] {
            let query = QuerySendDetails::for_message(to, "9^0", "20261201", strict).unwrap();
            assert_eq!(query.phone_number, expected, "{to}");
            assert_eq!(query.biz_id.as_deref(), Some("9^0"));
        }
        for (to, biz_id, date) in [
            ("abc", "9^0", "20261201"),
            ("13012345678", " ", "20261201"),
            ("13012345678", "9 0", "20261201"),
            ("13012345678", "9^0", "2026-12-01"),
            ("13012345678", "9^0", "20260230"),
        ] {
            let failure = QuerySendDetails::for_message(to, biz_id, date, false).unwrap_err();
            assert_eq!(
                failure.code,
                ErrorCode::InvalidRequestParameters,
                "{to} {biz_id} {date}"
            );
        }
    }

    #[test]
    fn send_dates() {
        // 2026-12-01T15:59:59Z is 23:59:59 in Shanghai; one second later is the next day there.
        assert_eq!(shanghai_date(1_796_140_799_000), "20261201");
        assert_eq!(shanghai_date(1_796_140_800_000), "20261202");
        assert_eq!(shanghai_date(0), "19700101");
        for (text, valid) in [
            ("20240229", true),
            ("20230229", false),
            ("21000229", false),
            ("20000229", true),
            ("20261231", true),
            ("20261301", false),
            ("20261200", false),
            ("00000101", false),
            ("2026121", false),
            ("2026120a", false),
        ] {
            assert_eq!(is_send_date(text), valid, "{text}");
        }
    }

    #[test]
    fn parses_each_state() {
        let body = r#"{"Code":"OK","Message":"OK","RequestId":"R","TotalCount":3,
            "SmsSendDetailDTOs":{"SmsSendDetailDTO":[
              {"PhoneNum":"8613012345678","SendStatus":1,"TemplateCode":"SMS_1","SendDate":"2026-12-01 10:00:00","ReceiveDate":"","ErrCode":""},
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
        assert_eq!(details.details[0].receive_date, None);
        assert_eq!(details.details[0].err_code, None);
        assert_eq!(
            details.details[2].receive_date.as_deref(),
            Some("2026-12-01 10:00:05")
        );
    }

    #[test]
    fn errors_and_odd_answers() {
        let body = r#"{"Code":"isv.MOBILE_NUMBER_ILLEGAL","RequestId":"R"}"#;
        failure(
            parse(200, body, &Redactor::none()),
            ErrorCode::InvalidRequestParameters,
            "Aliyun QuerySendDetails failed: isv.MOBILE_NUMBER_ILLEGAL",
        );
        let bodies = [
            r#"{"Code":"OK","SmsSendDetailDTOs":{"SmsSendDetailDTO":[{"SendStatus":9}]}}"#,
            r#"{"Code":"OK","SmsSendDetailDTOs":{"SmsSendDetailDTO":"x"}}"#,
            r#"{"Code":"OK","TotalCount":-1}"#,
        ];
        invalid_responses(&bodies, |body| parse(200, body, &Redactor::none()));
        let empty = parse(200, r#"{"Code":"OK","RequestId":"R"}"#, &Redactor::none()).unwrap();
        assert_eq!(empty.details, vec![]);
    }
}
