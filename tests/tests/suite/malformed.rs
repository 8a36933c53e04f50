//! A malformed request is the caller's fault, at every endpoint: wrong
//! argument types, missing arguments, numbers out of range, deep nesting,
//! invalid UTF-8, a JSON or text body where a form is expected, and a body
//! over the limit without a declared length are answered 4xx with a short
//! message, logged as a refusal (warn), and never as a server fault.

use app::api;
use leptos::server_fn::ServerFn;
use serde::de::{self, DeserializeOwned, Visitor};
use std::collections::BTreeSet;
use tests::{http_client, seed_counsellor, sign_in, Server, TestDb, PASSWORD};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What an argument takes, as its type asks serde for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Number,
    Flag,
    /// A map, a list, an optional value, or not found out.
    Other,
}

/// A deserializer that notes the fields a struct asks for and what each
/// one's type takes, giving each an empty value of its kind.
struct Arguments<'a>(&'a mut Vec<(&'static str, Kind)>);

impl<'de> de::Deserializer<'de> for Arguments<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.extend(fields.iter().map(|f| (*f, Kind::Other)));
        visitor.visit_map(Fields {
            fields,
            next: 0,
            out: self.0,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

struct Fields<'a> {
    fields: &'static [&'static str],
    next: usize,
    out: &'a mut Vec<(&'static str, Kind)>,
}

impl<'de> de::MapAccess<'de> for Fields<'_> {
    type Error = de::value::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some(name) = self.fields.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(de::value::StrDeserializer::<Self::Error>::new(name))
            .map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let name = self.fields[self.next - 1];
        seed.deserialize(Value {
            name,
            out: &mut *self.out,
        })
    }
}

/// One argument's value: notes its kind and gives an empty one.
struct Value<'a> {
    name: &'static str,
    out: &'a mut Vec<(&'static str, Kind)>,
}

impl Value<'_> {
    fn note(&mut self, kind: Kind) {
        if let Some(entry) = self.out.iter_mut().find(|(n, _)| *n == self.name) {
            entry.1 = kind;
        }
    }
}

macro_rules! numbers {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Self::Error> {
            self.note(Kind::Number);
            visitor.visit_u8(0)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Value<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("kind not found out"))
    }

    fn deserialize_string<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Self::Error> {
        self.note(Kind::Text);
        visitor.visit_string(String::new())
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Self::Error> {
        self.note(Kind::Flag);
        visitor.visit_bool(false)
    }

    numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_none()
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(de::value::MapDeserializer::<
            std::iter::Empty<(String, String)>,
            Self::Error,
        >::new(std::iter::empty()))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 f32 f64 char bytes byte_buf unit unit_struct seq tuple
        tuple_struct struct enum identifier ignored_any
    }
}

/// A server function's path and its arguments with their kinds, read from
/// its argument type (so the table never goes stale).
fn row<T: ServerFn + DeserializeOwned>() -> (&'static str, Vec<(&'static str, Kind)>) {
    let mut arguments = Vec::new();
    let _ = T::deserialize(Arguments(&mut arguments));
    (T::PATH, arguments)
}

/// Every server function, the one that ends the session last.
fn every_endpoint() -> Vec<(&'static str, Vec<(&'static str, Kind)>)> {
    vec![
        row::<api::account::ChangePassword>(),
        row::<api::account::EndSession>(),
        row::<api::account::ListSessions>(),
        row::<api::account::SecondFactorConfirm>(),
        row::<api::account::SecondFactorDisable>(),
        row::<api::account::SecondFactorSetup>(),
        row::<api::account::SecondFactorStatus>(),
        row::<api::admin::CreateUser>(),
        row::<api::admin::ListUsers>(),
        row::<api::admin::ResetPassword>(),
        row::<api::admin::ResetSecondFactor>(),
        row::<api::admin::SetDirectoryEditor>(),
        row::<api::admin::SetRole>(),
        row::<api::admin::SetUserActive>(),
        row::<api::audit::ListEvents>(),
        row::<api::auth::Challenge>(),
        row::<api::auth::KeepAlive>(),
        row::<api::auth::Login>(),
        row::<api::auth::Me>(),
        row::<api::auth::SecondFactor>(),
        row::<api::cases::AcceptBudget>(),
        row::<api::cases::AccessLog>(),
        row::<api::cases::ChangeReferral>(),
        row::<api::cases::ClientCopy>(),
        row::<api::cases::ConfirmOrigin>(),
        row::<api::cases::Create>(),
        row::<api::cases::CreateShare>(),
        row::<api::cases::DecideApproval>(),
        row::<api::cases::ExportIcs>(),
        row::<api::cases::ExportJson>(),
        row::<api::cases::List>(),
        row::<api::cases::MoveLife>(),
        row::<api::cases::Open>(),
        row::<api::cases::PrintPlan>(),
        row::<api::cases::RecordFollowUp>(),
        row::<api::cases::RequestApproval>(),
        row::<api::cases::RevokeShare>(),
        row::<api::cases::Save>(),
        row::<api::cases::ShareLinks>(),
        row::<api::dashboard::Statistics>(),
        row::<api::dashboard::Summary>(),
        row::<api::directory::ArchiveEntry>(),
        row::<api::directory::DecideSuggestion>(),
        row::<api::directory::Entry>(),
        row::<api::directory::ExportCsv>(),
        row::<api::directory::ImportCsv>(),
        row::<api::directory::SaveEntry>(),
        row::<api::directory::Search>(),
        row::<api::directory::Suggestions>(),
        row::<api::directory::VerifyEntry>(),
        row::<api::handovers::HandOver>(),
        row::<api::handovers::Inbox>(),
        row::<api::handovers::Respond>(),
        row::<api::prefs::SetLanguage>(),
        row::<api::setup::Complete>(),
        row::<api::setup::IssueCode>(),
        row::<api::setup::Waiting>(),
        row::<api::auth::Logout>(),
    ]
}

#[test]
fn the_table_holds_every_server_function_with_its_arguments() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    let table = every_endpoint();
    let tabled: BTreeSet<String> = table.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(
        registered, tabled,
        "add the new server function to the table"
    );
    let kind = |path: &str, name: &str| {
        table
            .iter()
            .find(|(p, _)| *p == path)
            .and_then(|(_, args)| args.iter().find(|(n, _)| *n == name))
            .map(|(_, k)| *k)
    };
    assert_eq!(kind("/api/cases/save", "code"), Some(Kind::Text));
    assert_eq!(kind("/api/cases/save", "version"), Some(Kind::Number));
    assert_eq!(kind("/api/cases/save", "f"), Some(Kind::Other));
    assert_eq!(
        kind("/api/admin/set_user_active", "active"),
        Some(Kind::Flag)
    );
    assert_eq!(kind("/api/handovers/inbox", "page"), Some(Kind::Number));
}

const FORM: &str = "application/x-www-form-urlencoded";

/// The answer a malformed request must get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    /// This status.
    Exactly(u16),
    /// A refusal (4xx): it cannot be read as the function's arguments.
    Refused,
    /// Not a server fault: it may be a valid request (an argument with a
    /// default left out, a word as a text).
    NotAFault,
}

/// One malformed request: what it is, its content type, its body, and the
/// answer it must get.
struct Bad {
    what: String,
    content_type: &'static str,
    body: Vec<u8>,
    answer: Answer,
}

/// The form body with every argument set to `1`, but `field` to `value`
/// (already encoded; raw bytes allowed).
fn form_with(fields: &[(&str, Kind)], field: &str, value: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (f, _) in fields {
        if !body.is_empty() {
            body.push(b'&');
        }
        if *f == field {
            body.extend_from_slice(value);
        } else {
            body.extend_from_slice(format!("{f}=1").as_bytes());
        }
    }
    body
}

fn malformed_requests(fields: &[(&'static str, Kind)]) -> Vec<Bad> {
    let mut all = vec![
        Bad {
            what: "no arguments".into(),
            content_type: FORM,
            body: Vec::new(),
            answer: Answer::NotAFault,
        },
        Bad {
            what: "a JSON body".into(),
            content_type: "application/json",
            body: br#"{"code":"1","page":{"a":[[[[[[[[[[1]]]]]]]]]]}}"#.to_vec(),
            answer: Answer::Exactly(415),
        },
        Bad {
            what: "a text body".into(),
            content_type: "text/plain",
            body: b"code=1".to_vec(),
            answer: Answer::Exactly(415),
        },
        Bad {
            what: "a multipart body".into(),
            content_type: "multipart/form-data; boundary=x",
            body: b"--x\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\n1\r\n--x--\r\n"
                .to_vec(),
            answer: Answer::Exactly(415),
        },
    ];
    let deep = format!("{}=1", "[a]".repeat(64));
    for &(field, kind) in fields {
        // Wrong for a number or a flag; any text is a text.
        let typed = if matches!(kind, Kind::Number | Kind::Flag) {
            Answer::Refused
        } else {
            Answer::NotAFault
        };
        let flag = if kind == Kind::Flag {
            Answer::Refused
        } else {
            Answer::NotAFault
        };
        let cases: [(&str, Vec<u8>, Answer); 8] = [
            ("a word", b"seven".to_vec(), typed),
            (
                "a number too big",
                b"99999999999999999999999999".to_vec(),
                typed,
            ),
            (
                "a number too small",
                b"-99999999999999999999999999".to_vec(),
                typed,
            ),
            ("a fraction", b"1.5e400".to_vec(), typed),
            ("a flag", b"2".to_vec(), flag),
            ("deep nesting", deep.as_bytes().to_vec(), Answer::Refused),
            (
                "escaped invalid UTF-8",
                b"%FF%FE%C0".to_vec(),
                Answer::Refused,
            ),
            (
                "raw invalid UTF-8",
                vec![0xff, 0xfe, 0xc0, b'a'],
                Answer::Refused,
            ),
        ];
        for (what, value, answer) in cases {
            let mut pair = field.as_bytes().to_vec();
            if what == "deep nesting" {
                pair.extend_from_slice(&value);
            } else {
                pair.push(b'=');
                pair.extend_from_slice(&value);
            }
            all.push(Bad {
                what: format!("{field}: {what}"),
                content_type: FORM,
                body: form_with(fields, field, &pair),
                answer,
            });
        }
        // The argument twice, and the argument alone missing.
        let mut twice = form_with(fields, field, format!("{field}=1&{field}=2").as_bytes());
        twice.extend_from_slice(b"&");
        all.push(Bad {
            what: format!("{field}: given twice"),
            content_type: FORM,
            body: twice,
            answer: Answer::NotAFault,
        });
        let others: Vec<(&str, Kind)> = fields
            .iter()
            .copied()
            .filter(|(f, _)| *f != field)
            .collect();
        all.push(Bad {
            what: format!("{field}: missing"),
            content_type: FORM,
            body: form_with(&others, "", b""),
            answer: Answer::NotAFault,
        });
    }
    all
}

/// Words of internal error text that must never reach a caller.
const INTERNAL: [&str; 9] = [
    "serde",
    "sqlx",
    "qs",
    "panicked",
    "/src/",
    "Error(",
    "Deserialization",
    "Args",
    "utf-8",
];

#[tokio::test]
async fn malformed_requests_are_refused_as_the_callers_fault_at_every_endpoint() {
    let db = TestDb::sqlite();
    seed_counsellor(&db).await;
    let server = Server::start(&db.url).await;
    let client = http_client();
    let r = sign_in(&client, &server, "carla", PASSWORD).await;
    assert!(r.status().is_success());
    let mut answered = 0;
    for (path, fields) in every_endpoint() {
        let signed_in_only = api::ENDPOINTS
            .iter()
            .any(|(p, a)| *p == path && *a == api::Access::SignedIn);
        for bad in malformed_requests(&fields) {
            let r = client
                .post(server.url(path))
                .header("Origin", &server.base)
                .header("Accept", "application/json")
                .header("Content-Type", bad.content_type)
                .body(bad.body.clone())
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            let shown: String = body.chars().take(300).collect();
            let what = format!("{path} with {}: {status} {shown}", bad.what);
            match bad.answer {
                Answer::Exactly(expected) => assert_eq!(status, expected, "{what}"),
                Answer::Refused => assert!((400..500).contains(&status), "{what}"),
                Answer::NotAFault => assert!(status < 500, "{what}"),
            }
            if signed_in_only {
                assert_ne!(status, 401, "the session still holds: {what}");
            }
            if status >= 400 {
                assert!(body.len() <= 400, "a short message: {what}");
                for word in INTERNAL {
                    assert!(!body.contains(word), "no internal text ({word}): {what}");
                }
            }
            answered += 1;
        }
    }
    assert!(answered > 500, "{answered} requests");

    // A body over the limit, sent without a declared length.
    for path in [
        "/api/cases/save",
        "/api/auth/login",
        "/api/directory/import",
    ] {
        let status = chunked_post(&server, path, 9 * 1024 * 1024).await;
        assert_eq!(status, 413, "{path}: an endless body without a length");
    }

    let log = server.log_text();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let errors: Vec<&serde_json::Value> = lines.iter().filter(|l| l["level"] == "ERROR").collect();
    assert!(errors.is_empty(), "no server fault is logged: {errors:?}");
    for status in [413, 415, 422] {
        assert!(
            lines.iter().any(|l| l["level"] == "WARN"
                && l["message"] == "request refused"
                && l["status"] == status),
            "a {status} refusal is logged at warn:\n{log}"
        );
    }
    server.stop().await;
}

/// Posts a form body of `size` bytes in chunks, with no Content-Length,
/// over a raw connection; returns the status (the server may stop reading
/// once it has answered).
async fn chunked_post(server: &Server, path: &str, size: usize) -> u16 {
    let address = server.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: {FORM}\r\nAccept: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0;
    while sent < size {
        let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
        piece.extend_from_slice(&chunk);
        piece.extend_from_slice(b"\r\n");
        if stream.write_all(&piece).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{path}: no status in {answer:?}"))
}
