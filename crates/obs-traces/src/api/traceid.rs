//! Trace id input as Tempo takes it: hex only, shorter ids left-padded with zeros.

use crate::error::Error;

/// The 16-byte id for a hex string, or Tempo's error text.
pub fn parse(text: &str) -> Result<[u8; 16], Error> {
    if let Some((i, c)) = text.char_indices().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(Error::BadRequest(format!(
            "trace IDs can only contain hex characters: invalid character '{c}' at position {}",
            i + 1
        )));
    }
    if text.is_empty() {
        return Err(Error::BadRequest("trace IDs can't be empty: pass 1 to 32 hex characters".to_owned()));
    }
    if text.len() > 32 {
        return Err(Error::BadRequest(format!(
            "trace IDs can't be larger than 128 bits: got {} hex characters",
            text.len()
        )));
    }
    let padded = format!("{text:0>32}");
    let mut id = [0u8; 16];
    hex::decode_to_slice(&padded, &mut id).map_err(|e| Error::BadRequest(format!("trace IDs must be hex: {e}")))?;
    Ok(id)
}

/// Hex of a trace id without leading zeros, as Tempo's search lists it.
pub fn search_hex(id: &[u8; 16]) -> String {
    let full = hex::encode(id);
    let trimmed = full.trim_start_matches('0');
    if trimmed.is_empty() { "0".to_owned() } else { trimmed.to_owned() }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test
mod tests {
    use super::{parse, search_hex};

    /// Pins padding of short ids, Tempo's error text for non-hex input and leading-zero stripping.
    #[test]
    fn parse_and_render() {
        let full = parse("0af7651916cd43dd8448eb211c80319c").unwrap();
        assert_eq!(parse("af7651916cd43dd8448eb211c80319c").unwrap(), full);
        assert_eq!(search_hex(&full), "af7651916cd43dd8448eb211c80319c");
        assert_eq!(
            parse("not-hex").unwrap_err().to_string(),
            "trace IDs can only contain hex characters: invalid character 'n' at position 1"
        );
        assert!(parse(&"a".repeat(33)).unwrap_err().to_string().contains("128 bits"));
        assert_eq!(parse("abc").unwrap()[15], 0xbc);
    }
}
