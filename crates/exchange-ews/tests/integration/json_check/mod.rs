//! A strict JSON validator (RFC 8259) for the tests: a small recursive-descent parser that
//! answers where the first problem is.

/// Checks that `text` is exactly one JSON value (white space around it allowed).
pub(crate) fn validate(text: &str) -> Result<(), String> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    p.space();
    p.value()?;
    p.space();
    if p.at != p.bytes.len() {
        return Err(p.fail("text after the value"));
    }
    Ok(())
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn fail(&self, what: &str) -> String {
        format!("{what} at byte {}", self.at)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Result<(), String> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.fail(&format!("expected {:?}", byte as char)))
        }
    }

    fn value(&mut self) -> Result<(), String> {
        match self.peek() {
            Some(b'{') => self.container(b'}', true),
            Some(b'[') => self.container(b']', false),
            Some(b'"') => self.string(),
            Some(b't') => self.word("true"),
            Some(b'f') => self.word("false"),
            Some(b'n') => self.word("null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.fail("expected a value")),
        }
    }

    fn container(&mut self, close: u8, object: bool) -> Result<(), String> {
        self.depth += 1;
        if self.depth > 1000 {
            return Err(self.fail("nesting too deep"));
        }
        self.at += 1;
        self.space();
        if self.peek() == Some(close) {
            self.at += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            if object {
                self.string()?;
                self.space();
                self.eat(b':')?;
                self.space();
            }
            self.value()?;
            self.space();
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    self.space();
                }
                Some(c) if c == close => {
                    self.at += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(self.fail("expected ',' or the end of the container")),
            }
        }
    }

    fn string(&mut self) -> Result<(), String> {
        self.eat(b'"')?;
        loop {
            match self.peek() {
                None => return Err(self.fail("unterminated string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.at += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.at += 1;
                        }
                        Some(b'u') => {
                            self.at += 1;
                            for _ in 0..4 {
                                if !self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                                    return Err(self.fail("bad \\u escape"));
                                }
                                self.at += 1;
                            }
                        }
                        _ => return Err(self.fail("bad escape")),
                    }
                }
                Some(c) if c < 0x20 => return Err(self.fail("unescaped control character")),
                Some(_) => self.at += 1,
            }
        }
    }

    fn word(&mut self, word: &str) -> Result<(), String> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(())
        } else {
            Err(self.fail("expected true, false or null"))
        }
    }

    fn number(&mut self) -> Result<(), String> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.fail("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.some_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.some_digits()?;
        }
        Ok(())
    }

    fn some_digits(&mut self) -> Result<(), String> {
        if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
            return Err(self.fail("expected a digit"));
        }
        self.digits();
        Ok(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
    }
}

#[test]
fn the_validator_itself_accepts_json_and_refuses_the_rest() {
    for good in [
        "{}",
        "[]",
        " {\"a\": [1, -2.5e+3, true, false, null, \"x\\u00e9\\n\"]} ",
        "\"\u{e9}\"",
        "0",
    ] {
        assert_eq!(validate(good), Ok(()), "{good}");
    }
    for bad in [
        "",
        "{",
        "{\"a\" 1}",
        "[1,]",
        "[1 2]",
        "\"a\nb\"",
        "\"\\x\"",
        "\"\\u12\"",
        "01",
        "{} {}",
        "{a: 1}",
        "nul",
        "\"open",
    ] {
        assert!(validate(bad).is_err(), "{bad:?}");
    }
}
