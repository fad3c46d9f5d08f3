//! A small scanner of the pages' markup, enough to list every element and
//! attribute they contain. Every `<` in a page is markup (text escapes its
//! own), so the tags found are all the markup there is.

/// An element's start or end tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub end: bool,
    pub attrs: Vec<(String, String)>,
}

/// Every tag of `page`, in order. The contents of `<style>` and `<script>`
/// are skipped as the HTML parser skips them (raw text up to the end tag).
pub fn tags(page: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let b = page.as_bytes();
    let mut i = 0;
    while let Some(off) = page[i..].find('<') {
        i += off + 1;
        if page[i..].starts_with("!--") {
            i += page[i..].find("-->").expect("comment end") + 3;
            continue;
        }
        if page[i..].starts_with('!') {
            i += page[i..].find('>').expect("doctype end") + 1;
            continue;
        }
        let end = b[i] == b'/';
        if end {
            i += 1;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b':') {
            i += 1;
        }
        let name = page[start..i].to_ascii_lowercase();
        assert!(
            !name.is_empty(),
            "a bare '<' at {start}: {}",
            &page[start.saturating_sub(40)..(start + 40).min(page.len())]
        );
        let mut attrs = Vec::new();
        loop {
            while b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b[i] == b'>' {
                i += 1;
                break;
            }
            if page[i..].starts_with("/>") {
                i += 2;
                break;
            }
            let a = i;
            while !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'>' && b[i] != b'/' {
                i += 1;
            }
            let attr = page[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if b[i] == b'=' {
                i += 1;
                assert_eq!(b[i], b'"', "unquoted value of {attr} in <{name}>");
                let close = page[i + 1..].find('"').expect("closing quote");
                value = page[i + 1..i + 1 + close].to_owned();
                i += close + 2;
            }
            attrs.push((attr, value));
        }
        if !end && (name == "style" || name == "script") {
            let close = format!("</{name}>");
            i += page[i..].find(&close).expect("raw text end");
        }
        out.push(Tag { name, end, attrs });
    }
    out
}

/// The elements the report page may contain.
pub const REPORT_ELEMENTS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "nav", "section",
    "article", "div", "span", "p", "h1", "h2", "h3", "h4", "dl", "dt", "dd", "br", "code", "pre",
    "strong", "a", "ol", "ul", "li", "details", "summary", "table", "thead", "tbody", "tr", "th",
    "td", "svg", "defs", "marker", "path", "g", "rect", "text",
];

/// The attributes the report page may contain.
pub const REPORT_ATTRIBUTES: &[&str] = &[
    "lang",
    "charset",
    "name",
    "content",
    "http-equiv",
    "class",
    "id",
    "href",
    "title",
    "colspan",
    "xmlns",
    "role",
    "aria-label",
    "aria-hidden",
    "width",
    "height",
    "viewbox",
    "refx",
    "refy",
    "markerwidth",
    "markerheight",
    "orient",
    "d",
    "marker-end",
    "x",
    "y",
    "rx",
    "text-anchor",
    "data-verdict",
    "data-failure-type",
    "data-reason",
    "data-item-kind",
    "data-name",
];

/// Decodes the character references the escaping writer produces.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text of `page` without its tags (and without style contents).
pub fn text(page: &str) -> String {
    let mut out = String::new();
    let mut rest = page;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        if rest.starts_with("<style") {
            let close = rest.find("</style>").unwrap();
            rest = &rest[close + 8..];
            continue;
        }
        let close = rest.find('>').unwrap();
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    unescape(&out)
}
