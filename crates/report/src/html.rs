//! The one escaping writer behind every page.
//!
//! [`Html`] builds a page from two kinds of input, kept apart by their
//! types: markup, which can only be a `&'static str` written in this crate's
//! source, and everything else (names, rules, paths, messages, a layout's
//! readme: any string that came from metadata or the command line), which
//! goes through [`Html::text`] or [`Html::attr`] and is escaped there.
//! Numbers have their own methods, and links to places in the page are built
//! from a static prefix and a number, so no caller string ever reaches a URL,
//! an event handler, a style or a script.
//!
//! Escaping covers both contexts in which strings appear (element text and
//! double-quoted attribute values): `&`, `<`, `>`, `"` and `'` become
//! character references. Characters that change how text around them is
//! shown without being seen themselves (bidirectional controls such as
//! U+202E, C0 and C1 controls other than tab and newline, zero-width space
//! and byte order mark) are replaced by a visible `[U+XXXX]`, so a name
//! cannot pretend to be another.

use std::fmt::Write as _;

/// An integer the writer may print (only decimal digits and a sign).
pub trait Integer: std::fmt::Display + sealed::Sealed {}

mod sealed {
    pub trait Sealed {}
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl Integer for $t {}
    )*};
}
integers!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

/// A page being written; see the [module documentation](self).
#[derive(Debug, Default, Clone)]
pub struct Html {
    out: String,
}

/// Whether `c` is shown as `[U+XXXX]` rather than written as it is.
pub fn is_hidden_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Bidirectional formatting: embeddings, overrides, isolates, marks.
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        // Invisible separators and markers.
        | '\u{200b}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
    )
}

/// Appends `s` to `out`, escaped for element text and for double- or
/// single-quoted attribute values alike.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_hidden_char(c) => {
                let _ = write!(out, "[U+{:04X}]", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// `s`, escaped as [`escape_into`] does.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// Attribute names whose values are URLs, scripts or styles: [`Html::attr`]
/// never writes a caller's string into them.
fn is_active_attribute(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("on")
        || matches!(
            lower.as_str(),
            "href"
                | "xlink:href"
                | "src"
                | "srcset"
                | "srcdoc"
                | "action"
                | "formaction"
                | "style"
                | "data"
                | "poster"
                | "background"
                | "ping"
        )
}

impl Html {
    /// An empty page.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes markup from this crate's source, as it is.
    pub fn markup(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// Writes `text` as element text, escaped.
    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.out, text);
        self
    }

    /// Writes ` name="value"` with `value` escaped. For attributes that hold
    /// URLs, event handlers or styles (`href`, `src`, `on...`, `style`, ...)
    /// the value is left empty whatever it is: use [`Html::href_anchor`] for
    /// links within the page.
    pub fn attr(&mut self, name: &'static str, value: &str) -> &mut Self {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        if !is_active_attribute(name) {
            escape_into(&mut self.out, value);
        }
        self.out.push('"');
        self
    }

    /// Writes an integer as text.
    pub fn num(&mut self, n: impl Integer) -> &mut Self {
        let _ = write!(self.out, "{n}");
        self
    }

    /// Writes ` name="n"`.
    pub fn attr_num(&mut self, name: &'static str, n: impl Integer) -> &mut Self {
        let _ = write!(self.out, " {name}=\"{n}\"");
        self
    }

    /// Writes ` id="prefix-n"`.
    pub fn id(&mut self, prefix: &'static str, n: impl Integer) -> &mut Self {
        let _ = write!(self.out, " id=\"{prefix}-{n}\"");
        self
    }

    /// Writes ` href="#prefix-n"`: a link to the element with
    /// [`Html::id`]`(prefix, n)`.
    pub fn href_anchor(&mut self, prefix: &'static str, n: impl Integer) -> &mut Self {
        let _ = write!(self.out, " href=\"#{prefix}-{n}\"");
        self
    }

    /// The page so far.
    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// The finished page.
    pub fn into_string(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_significant_characters_become_references() {
        assert_eq!(
            escape(r#"<script>alert('x')</script> & "q""#),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(
            escape("</style><style>*{display:none}"),
            "&lt;/style&gt;&lt;style&gt;*{display:none}"
        );
        assert_eq!(escape("plain/path_1.tar.gz"), "plain/path_1.tar.gz");
        assert_eq!(escape("ünïcödé ✓"), "ünïcödé ✓");
    }

    #[test]
    fn invisible_and_direction_changing_characters_are_shown() {
        assert_eq!(escape("evil\u{202e}txt.exe"), "evil[U+202E]txt.exe");
        assert_eq!(escape("a\u{2066}b\u{2069}c"), "a[U+2066]b[U+2069]c");
        assert_eq!(escape("nul\u{0}bell\u{7}"), "nul[U+0000]bell[U+0007]");
        assert_eq!(escape("cr\r"), "cr[U+000D]");
        assert_eq!(escape("c1\u{85}"), "c1[U+0085]");
        assert_eq!(escape("\u{feff}bom"), "[U+FEFF]bom");
        // Newlines and tabs are text.
        assert_eq!(escape("line\n\tnext"), "line\n\tnext");
        for c in ['\u{200e}', '\u{200f}', '\u{61c}', '\u{202a}', '\u{200b}'] {
            assert!(is_hidden_char(c), "{c:?}");
            assert!(!escape(&c.to_string()).contains(c));
        }
    }

    #[test]
    fn attribute_values_cannot_end_the_attribute() {
        let mut h = Html::new();
        h.markup("<span")
            .attr("title", "\" onmouseover=\"alert(1)")
            .markup(">");
        assert_eq!(
            h.as_str(),
            "<span title=\"&quot; onmouseover=&quot;alert(1)\">"
        );
        let mut h = Html::new();
        h.markup("<span").attr("title", "' x='1").markup(">");
        assert_eq!(h.as_str(), "<span title=\"&#39; x=&#39;1\">");
    }

    #[test]
    fn active_attributes_never_carry_caller_strings() {
        for name in [
            "href",
            "HREF",
            "src",
            "onclick",
            "onerror",
            "style",
            "xlink:href",
            "srcdoc",
        ] {
            let mut h = Html::new();
            h.attr(name, "javascript:alert(1)");
            assert!(!h.as_str().contains("javascript"), "{name}: {}", h.as_str());
        }
        let mut h = Html::new();
        h.markup("<a")
            .href_anchor("step", 3usize)
            .id("x", 2usize)
            .attr_num("width", -4i64)
            .markup(">");
        assert_eq!(h.as_str(), "<a href=\"#step-3\" id=\"x-2\" width=\"-4\">");
    }
}
