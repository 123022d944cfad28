//! Lexer unit tests: tokens, positions and string errors.

use super::*;

/// A selector with a line filter splits into the expected tokens and columns.
#[test]
fn tokens() {
    let toks = tokenize(r#"{a="b"} |= `x\y` != "q\"" [5m]"#).unwrap_or_default();
    let kinds: Vec<Tok> = toks.iter().map(|t| t.tok.clone()).collect();
    assert_eq!(
        kinds,
        vec![
            Tok::LBrace,
            Tok::Ident("a".into()),
            Tok::Eq,
            Tok::Str("b".into()),
            Tok::RBrace,
            Tok::PipeExact,
            Tok::Str("x\\y".into()),
            Tok::Neq,
            Tok::Str("q\"".into()),
            Tok::LBracket,
            Tok::Duration(300_000_000_000),
            Tok::RBracket,
            Tok::End
        ]
    );
    assert_eq!(toks[5].col, 9);
}

/// An unterminated string is an error pointing at its start.
#[test]
fn unterminated() {
    let err = tokenize(r#"{a="b}"#).err().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(err, "parse error at line 1, col 4: syntax error: literal not terminated");
}
