//! Parser unit tests: the subset parses into the expected trees; errors carry Loki's shape.

use super::*;
use crate::query::ast::{AggOp, BinOp, Grouping, LabelFilter, MetricExpr};

fn err(src: &str) -> String {
    parse(src).err().map(|e| e.to_string()).unwrap_or_else(|| "parsed".into())
}

/// The observed Loki error for a missing `}` is reproduced exactly.
#[test]
fn missing_brace_matches_loki() {
    assert_eq!(
        err(r#"{service_name="peak_trade_smoke_sender""#),
        "parse error at line 1, col 40: syntax error: unexpected $end, expecting } or ,"
    );
}

/// A selector with all matcher kinds, line filters and a label filter parses.
#[test]
fn log_query() {
    let q = parse(r#"{a="b", c!="d", e=~"f.*", g!~"h"} |= "x" != "y" |~ "z+" !~ "w" | trace_id="abc""#);
    let Ok(Query::Log(log)) = q else { panic!("not a log query: {q:?}") };
    assert_eq!(log.matchers.len(), 4);
    assert_eq!(log.stages.len(), 5);
    assert!(matches!(&log.stages[4], Stage::Filter(LabelFilter::Str(m)) if m.name == "trace_id"));
}

/// Parsers and numeric, duration and combined label filters parse.
#[test]
fn parsers_and_filters() {
    let q = parse(r#"{a="b"} | json | status >= 400 and level=~"err.*" or (dur > 1.5s, size < 10KB) | logfmt"#);
    let Ok(Query::Log(log)) = q else { panic!("not a log query: {q:?}") };
    assert!(matches!(log.stages[0], Stage::Json));
    assert!(matches!(log.stages[1], Stage::Filter(LabelFilter::Or(_))));
    assert!(matches!(log.stages[2], Stage::Logfmt));
}

/// Metric queries: aggregations with grouping before or after, range functions, vector arithmetic.
#[test]
fn metric_queries() {
    let q = parse(r#"sum by (severity_text) (count_over_time({a="b"} |= "x" [10m]))"#);
    let Ok(Query::Metric(MetricExpr::Agg { op: AggOp::Sum, grouping: Some(g), .. })) = &q else {
        panic!("not a sum by: {q:?}")
    };
    assert_eq!(g.labels, vec!["severity_text".to_owned()]);
    let q = parse(r#"sum(rate({a="b"}[1m])) without (x)"#);
    assert!(matches!(q, Ok(Query::Metric(MetricExpr::Agg { grouping: Some(Grouping { without: true, .. }), .. }))));
    let q = parse("vector(1)+vector(1)");
    assert!(matches!(q, Ok(Query::Metric(MetricExpr::Binary { op: BinOp::Add, .. }))));
    let q = parse(r#"topk(2, bytes_over_time({a="b"}[5m]))"#);
    assert!(matches!(q, Ok(Query::Metric(MetricExpr::Agg { op: AggOp::Topk, param: Some(2.0), .. }))));
    let q = parse("1 + 2 * 3 ^ 2");
    let Ok(Query::Metric(MetricExpr::Binary { op: BinOp::Add, rhs, .. })) = &q else { panic!("{q:?}") };
    assert!(matches!(**rhs, MetricExpr::Binary { op: BinOp::Mul, .. }));
}

/// `drop` takes a list of names; Grafana's log-volume query parses.
#[test]
fn drop_stage() {
    let q = parse(r#"sum by (level, detected_level) (count_over_time({a="b"} | drop __error__, x [1m]))"#);
    let Ok(Query::Metric(MetricExpr::Agg { inner, .. })) = &q else { panic!("{q:?}") };
    let MetricExpr::Range { log, .. } = &**inner else { panic!("not a range aggregation") };
    assert_eq!(log.dropped_labels(), vec!["__error__".to_owned(), "x".to_owned()]);
    assert!(err(r#"{a="b"} | drop x="y""#).contains("unsupported"));
}

/// Syntax errors point at the offending column.
#[test]
fn syntax_errors() {
    assert_eq!(err("{}"), "parse error at line 1, col 2: syntax error: unexpected }, expecting IDENTIFIER");
    assert_eq!(
        err(r#"{a="b"} |"#),
        "parse error at line 1, col 10: syntax error: unexpected $end, expecting a parser, a label filter or a format expression"
    );
    assert_eq!(
        err(r#"{a="b"} |= 3"#),
        "parse error at line 1, col 12: syntax error: unexpected NUMBER, expecting STRING"
    );
    assert!(
        err("sum(count_over_time({a=\"b\"}))")
            .starts_with("parse error at line 1, col 28: syntax error: unexpected ), expecting [")
    );
    assert!(err("{a=\"b\"}\n  |~ \"(\"").starts_with("parse error at line 2, col 6: invalid regex"));
}

/// Selectors that match everything are refused as Loki does.
#[test]
fn empty_compatible_selector() {
    assert!(err(r#"{app=~".*"}"#).starts_with("parse error : queries require at least one regexp or equality matcher"));
}

/// Valid LogQL outside the subset names the missing feature.
#[test]
fn unsupported_features() {
    for (src, what) in [
        (r#"{a="b"} | line_format "{{ ToUpper .x }}""#, "line_format"),
        (r#"sum_over_time({a="b"} | unwrap x [1m])"#, "sum_over_time"),
        (r#"count_over_time({a="b"}[1m] offset 5m)"#, "offset"),
        (r#"count_over_time({a="b"}[1m]) > 2"#, "comparison"),
        (r#"{a="b"} | json x="y""#, "json"),
    ] {
        let e = err(src);
        assert!(e.contains("unsupported LogQL feature") && e.contains(what), "{src}: {e}");
    }
}

/// Absurdly deep nesting is an error, not a stack overflow.
#[test]
fn deep_nesting() {
    let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(err(&deep).contains("nesting depth is 65, over the limit of 64"));
    assert!(err(&format!("{}1", "-".repeat(100_000))).contains("nesting depth is 65, over the limit of 64"));
    let filters = format!(r#"{{a="b"}} | {}x="1"{}"#, "(".repeat(100), ")".repeat(100));
    assert!(err(&filters).contains("nesting depth"), "{}", err(&filters));
    assert!(parse(&format!("{}1{}", "(".repeat(20), ")".repeat(20))).is_ok());
}
