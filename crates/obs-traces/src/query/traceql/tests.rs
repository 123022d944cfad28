//! Parser tests: the accepted grammar, Tempo-style error positions, and hostile input.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test
use super::ast::{Attr, Cmp, Field, Lit, Op, Scope, Spanset};
use super::parse;

fn cmp(attr: Attr, op: Op, lit: Lit) -> Field {
    Field::Cmp(Cmp { attr, op, lit })
}

fn named(scope: Scope, key: &str) -> Attr {
    Attr::Named { scope, key: key.to_owned() }
}

/// Pins the basic resource-attribute filter Grafana and obs-smoke send.
#[test]
fn resource_equality() {
    let q = parse(r#"{resource.service.name="peak_trade_smoke_sender"}"#);
    let want = cmp(named(Scope::Resource, "service.name"), Op::Eq, Lit::Str("peak_trade_smoke_sender".into()));
    assert_eq!(q, Ok(Spanset::Filter(want)));
}

/// Pins intrinsics, keywords, durations with units and precedence of && over ||.
#[test]
fn intrinsics_and_precedence() {
    let q = parse("{ status = error || duration > 1.5ms && kind = server }").unwrap();
    let want = Field::Or(vec![
        cmp(Attr::Status, Op::Eq, Lit::Status(2)),
        Field::And(vec![cmp(Attr::Duration, Op::Gt, Lit::Duration(1_500_000)), cmp(Attr::Kind, Op::Eq, Lit::Kind(2))]),
    ]);
    assert_eq!(q, Spanset::Filter(want));
}

/// Pins spanset-level operators with parentheses, negation and each literal type.
#[test]
fn spanset_operators() {
    let q = parse(r#"({ .a = 1 } || { span.b != -2.5 }) && { !(.c = true) && name =~ "po.*" }"#).unwrap();
    let left = Spanset::Or(vec![
        Spanset::Filter(cmp(named(Scope::Any, "a"), Op::Eq, Lit::Int(1))),
        Spanset::Filter(cmp(named(Scope::Span, "b"), Op::Ne, Lit::Float(-2.5))),
    ]);
    let right = Field::And(vec![
        Field::Not(Box::new(cmp(named(Scope::Any, "c"), Op::Eq, Lit::Bool(true)))),
        cmp(Attr::Name, Op::Re, Lit::Str("po.*".into())),
    ]);
    assert_eq!(q, Spanset::And(vec![left, Spanset::Filter(right)]));
}

/// Pins that `{}` matches everything and that new-style intrinsic spellings parse.
#[test]
fn empty_and_new_spellings() {
    assert_eq!(parse("{}").unwrap(), Spanset::Filter(Field::True));
    let q = parse("{ span:duration >= 10us && trace:rootService = `svc` }").unwrap();
    let want = Field::And(vec![
        cmp(Attr::Duration, Op::Ge, Lit::Duration(10_000)),
        cmp(Attr::RootService, Op::Eq, Lit::Str("svc".into())),
    ]);
    assert_eq!(q, Spanset::Filter(want));
}

/// Pins Tempo's message and column for a query cut short (`{status=` → col 9, `$end`).
#[test]
fn error_at_end_names_column() {
    let err = parse("{status=").unwrap_err();
    assert_eq!((err.line, err.col), (1, 9));
    assert!(err.message.starts_with("syntax error: unexpected $end"), "{}", err.message);
    assert_eq!(err.to_string().split(':').next(), Some("parse error at line 1, col 9"));
}

/// Pins errors for unscoped names, bad units, unterminated strings, pipelines and trailing junk.
#[test]
fn errors_name_the_problem() {
    let cases = [
        ("{ foo = 1 }", 3, "unknown attribute"),
        ("{ duration > 5parsecs }", 14, "invalid number"),
        ("{ .a = \"x }", 12, "unterminated string"),
        ("{ .a = 1 } | count() > 2", 12, "pipeline"),
        ("{ .a = 1 } }", 12, "unexpected }"),
        ("{ .a 1 }", 6, "comparison operator"),
        ("{ .a =~ 1 }", 11, "regular expression"),
    ];
    for (query, col, needle) in cases {
        let err = parse(query).unwrap_err();
        assert_eq!(err.col, col, "{query}: {err}");
        assert!(err.message.contains(needle), "{query}: {err}");
    }
}

/// Pins that odd input (unicode, stray bytes, deep nesting, unit look-alikes) errors instead of panicking.
#[test]
fn odd_input_never_panics() {
    let deep = format!("{}{{}}{}", "(".repeat(60), ")".repeat(60));
    let too_deep = format!("{}{{}}{}", "(".repeat(1000), ")".repeat(1000));
    assert!(parse(&too_deep).unwrap_err().message.contains("nests deeper"));
    assert!(parse(&format!("{{ {} .a = 1 }}", "!".repeat(100_000))).is_err());
    let long = format!("{{ .a = 1{} }}", " && .a = 1".repeat(10_000));
    assert!(parse(&long).unwrap_err().message.contains("too long"));
    let cases = [
        "5¡",
        "{ duration > 5¡ }",
        "{ .a = \"é\" } && ",
        "{ .ü = 1 }",
        "{ duration > 1µs }",
        "",
        "}",
        "{",
        "((",
        "{ .a = 1 ||",
        "{ !! }",
        &deep,
    ];
    for query in cases {
        let _ = parse(query);
    }
    assert!(parse("{ duration > 1µs }").is_ok());
    assert!(parse(&deep).is_ok());
}

/// Pins line counting for multi-line queries.
#[test]
fn multi_line_position() {
    let err = parse("{ .a = 1 }\n&& {").unwrap_err();
    assert_eq!((err.line, err.col), (2, 5));
}

/// Pins that `&&`/`||` chains are flat lists however long, and that brackets around the same
/// operator are spliced in: the tree is only as deep as the brackets.
#[test]
fn chains_are_flat() {
    let q = parse(&format!("{{ .a = 1{} }}", " && .a = 1".repeat(500))).unwrap();
    assert!(matches!(&q, Spanset::Filter(Field::And(items)) if items.len() == 501), "{q:?}");
    let q = parse("({ .a = 1 } || { .b = 1 }) || { .c = 1 } || ({ .d = 1 })").unwrap();
    assert!(matches!(&q, Spanset::Or(items) if items.len() == 4), "{q:?}");
}
