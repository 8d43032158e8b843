//! Tolerant scalar types: ids that arrive as integers or strings, times as RFC 3339 or Unix seconds.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

/// An opaque identifier. Backends send integers or strings; the console only compares and
/// echoes them, so both become the same string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Id(pub String);

impl Id {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Id(s.to_owned())
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Id(s)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id as a string or an integer")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A point in time. Written as RFC 3339 in UTC; read from RFC 3339 or from Unix seconds
/// (integer or fractional), as the plandocket API sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub OffsetDateTime);

impl Timestamp {
    /// The current time. In the browser `time` has no system clock, so it asks JavaScript's.
    pub fn now() -> Self {
        #[cfg(target_arch = "wasm32")]
        {
            Self::from_unix_millis(js_sys::Date::now() as i64)
                .unwrap_or(Timestamp(OffsetDateTime::UNIX_EPOCH))
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            Timestamp(OffsetDateTime::now_utc())
        }
    }

    pub fn from_unix_millis(ms: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .ok()
            .map(Timestamp)
    }

    pub fn unix_millis(&self) -> i64 {
        (self.0.unix_timestamp_nanos() / 1_000_000) as i64
    }

    pub fn parse(s: &str) -> Option<Self> {
        if let Ok(t) = OffsetDateTime::parse(s.trim(), &Rfc3339) {
            return Some(Timestamp(t));
        }
        s.trim()
            .parse::<f64>()
            .ok()
            .and_then(|secs| Self::from_unix_millis((secs * 1000.0) as i64))
    }

    pub fn to_rfc3339(&self) -> String {
        let utc = self.0.to_offset(time::UtcOffset::UTC);
        let utc = utc
            .replace_nanosecond(utc.millisecond() as u32 * 1_000_000)
            .unwrap_or(utc);
        utc.format(&Rfc3339).unwrap_or_default()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time or Unix seconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).ok_or_else(|| E::custom(format!("not a date-time: {v:?}")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                OffsetDateTime::from_unix_timestamp(v)
                    .map(Timestamp)
                    .map_err(|_| E::custom("Unix time out of range"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                self.visit_i64(i64::try_from(v).map_err(|_| E::custom("Unix time out of range"))?)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
                Timestamp::from_unix_millis((v * 1000.0) as i64)
                    .ok_or_else(|| E::custom("Unix time out of range"))
            }
        }
        d.deserialize_any(V)
    }
}

/// Times in request bodies: exactly an RFC 3339 string, as the document's `format: date-time`
/// says. Tolerance is for reading answers from many backends; a request the document forbids
/// (Unix seconds, padding) is refused rather than read as something its sender may not mean.
/// For `#[serde(deserialize_with = "…")]`.
pub mod rfc3339 {
    use super::{Rfc3339, Timestamp};
    use serde::{de, Deserialize, Deserializer};
    use time::OffsetDateTime;

    struct Strict(Timestamp);

    impl<'de> Deserialize<'de> for Strict {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            OffsetDateTime::parse(&s, &Rfc3339)
                .map(|t| Strict(Timestamp(t)))
                .map_err(|_| de::Error::custom("must be an RFC 3339 date-time"))
        }
    }

    pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        Strict::deserialize(d).map(|s| s.0)
    }

    /// `null` is `None`.
    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        Ok(Option::<Strict>::deserialize(d)?.map(|s| s.0))
    }

    /// A PATCH member: present (`Some`), with `null` clearing it (`Some(None)`).
    pub fn nullable<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<Timestamp>>, D::Error> {
        optional(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_times_are_rfc3339_strings_only() {
        #[derive(Deserialize)]
        struct Body {
            #[serde(deserialize_with = "rfc3339::required")]
            at: Timestamp,
        }
        let ok: Body = serde_json::from_str(r#"{"at": "2024-01-15T11:30:00+01:00"}"#).unwrap();
        assert_eq!(ok.at.unix_millis(), 1_705_314_600_000);
        for bad in [
            r#"0"#,
            r#""1705314600""#,
            r#"" 2024-01-15T10:30:00Z""#,
            "null",
        ] {
            let body = format!(r#"{{"at": {bad}}}"#);
            assert!(serde_json::from_str::<Body>(&body).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_from_integers_and_strings() {
        let ids: Vec<Id> = serde_json::from_str(r#"[42, "wh_1", -3]"#).unwrap();
        assert_eq!(ids, vec![Id::from("42"), Id::from("wh_1"), Id::from("-3")]);
        assert_eq!(serde_json::to_string(&ids[0]).unwrap(), r#""42""#);
        assert!(serde_json::from_str::<Id>("true").is_err());
    }

    #[test]
    fn times_from_rfc3339_and_unix_seconds() {
        let a: Timestamp = serde_json::from_str(r#""2024-01-15T10:30:00Z""#).unwrap();
        let b: Timestamp = serde_json::from_str("1705314600").unwrap();
        let c: Timestamp = serde_json::from_str("1705314600.0").unwrap();
        let d: Timestamp = serde_json::from_str(r#""2024-01-15T11:30:00+01:00""#).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a, d);
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            r#""2024-01-15T10:30:00Z""#
        );
        assert!(serde_json::from_str::<Timestamp>(r#""yesterday""#).is_err());
    }
}
