//! Self-contained HTML pages for people: the verification report
//! ([`render_verification_report`]) and the command reference
//! ([`render_reference`]).
//!
//! Both are pure functions from data to one HTML document that needs
//! nothing else: the style is inline, the supply-chain graph is inline SVG,
//! the reference's filter and keyboard shortcuts are a small inline script,
//! and nothing is loaded from the network. Every string that comes from
//! metadata or from the command line is written through one escaping writer,
//! [`html::Html`], so a hostile layout cannot inject markup or script.

mod graph;
pub mod html;
mod model;
pub mod reference;
mod style;
mod verification;

pub use reference::render_reference;
pub use verification::render_verification_report;
