//! Entity and character references, and the normalisation of attribute values.

/// The character of a reference (`lt`, `#x41`, `#65`), or `None` for an undeclared entity.
pub(super) fn resolve_reference(name: &str) -> Option<char> {
    let number = match name {
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "amp" => return Some('&'),
        "apos" => return Some('\''),
        "quot" => return Some('"'),
        _ => name.strip_prefix('#')?,
    };
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // An out-of-range number still is a character reference: keep the text readable.
    let code = u32::from_str_radix(digits, radix).unwrap_or(u32::MAX);
    Some(match char::from_u32(code) {
        Some('\0') | None => char::REPLACEMENT_CHARACTER,
        Some(c) => c,
    })
}

/// Resolves the references of a raw attribute value and normalises its white space as XML
/// attribute-value normalisation does.
pub(super) fn unescape_attribute(raw: &str) -> Result<String, String> {
    // Most values (ids, change keys, flags) hold nothing to resolve or normalise.
    if !raw
        .bytes()
        .any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'))
    {
        return Ok(raw.to_owned());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        push_normalised(&mut out, &rest[..amp]);
        let after = &rest[amp + 1..];
        let semicolon = after
            .find(';')
            .ok_or_else(|| "an attribute value has '&' without ';'".to_owned())?;
        let name = &after[..semicolon];
        let c = resolve_reference(name)
            .ok_or_else(|| format!("the entity &{name}; is not declared"))?;
        out.push(c);
        rest = &after[semicolon + 1..];
    }
    push_normalised(&mut out, rest);
    Ok(out)
}

fn push_normalised(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // A line break `\r\n` is one break, so it becomes one space.
            '\r' if chars.peek() == Some(&'\n') => {}
            '\t' | '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
}
