//! `phone::PhoneNumber::parse` and `phone::is_china_number` over any string: digits only, 5 to
//! 15 of them, and the two region checks agree.
#![no_main]

use aliyun_sms::connector::phone::{self, PhoneError, PhoneNumber};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let to = String::from_utf8_lossy(data);
    let parsed = PhoneNumber::parse(&to);
    match &parsed {
        Ok(phone) => {
            let digits = phone.for_aliyun();
            assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{digits:?}");
            assert!((5..=15).contains(&digits.len()), "{digits:?}");
            let all: String = to.chars().filter(char::is_ascii_digit).collect();
            assert!(
                all == digits || all == format!("00{digits}"),
                "{to:?} -> {digits:?}"
            );
        }
        Err(PhoneError::TooShort(n)) => assert!(*n < 5),
        Err(PhoneError::TooLong(n)) => assert!(*n > 15),
        Err(PhoneError::InvalidCharacter(c)) => assert!(!c.is_ascii_digit() && to.contains(*c)),
        Err(PhoneError::Empty) => {}
    }
    if let Err(error) = &parsed {
        assert!(!error.to_string().is_empty());
    }
    for strict in [false, true] {
        let free = phone::is_china_number(&to, strict);
        let method = parsed.as_ref().is_ok_and(|p| p.is_china(strict));
        assert_eq!(free, method, "{to:?} strict={strict}");
    }
    assert!(!phone::is_china_number(&to, true) || phone::is_china_number(&to, false));
});
