//! The supply chain as an inline SVG graph: one box per step and
//! inspection, coloured by its outcome, and an arrow for the artifacts that
//! MATCH rules take from one item to another.
//!
//! The graph reads from top to bottom. Items are placed in layers by the
//! flow: an item sits one layer below the lowest earlier item it matches
//! against (layout order breaks cycles), so a linear chain is a column.
//! Arrows between neighbouring layers go straight down; arrows that skip
//! layers go round the right-hand side, and arrows back up (or within a
//! layer) round the left-hand side, so that no arrow crosses a box.

use crate::html::Html;
use crate::model::{Chain, ItemKind};

const NODE_W: i64 = 232;
const NODE_H: i64 = 58;
const COL_GAP: i64 = 48;
const LAYER_GAP: i64 = 74;
const MARGIN: i64 = 16;
/// How far the first arrow round a side passes from the boxes, and how far
/// apart further ones are.
const SIDE_OFFSET: i64 = 44;
const SIDE_STEP: i64 = 22;
/// Characters of a name shown in a box (the full name is in its tooltip).
const NAME_CHARS: usize = 19;
/// Characters of an arrow's label.
const LABEL_CHARS: usize = 30;
/// Estimated width of a label character at the label's font size
/// (monospace, 11 px).
const LABEL_CHAR_W: i64 = 7;
const LABEL_H: i64 = 18;

struct Node {
    /// An item of the chain, or `None` for a name no item has.
    item: Option<usize>,
    name: String,
    layer: i64,
    x: i64,
    y: i64,
}

/// `s` cut to `n` characters, with an ellipsis when cut.
pub(crate) fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('\u{2026}');
    out
}

/// How an arrow is drawn.
struct Arrow {
    /// Start, two control points and end of a cubic Bézier curve.
    points: [(i64, i64); 4],
    /// Where the label goes, and whether it is anchored at its start (round
    /// the right), end (round the left) or middle.
    label_at: (i64, i64),
    anchor: Anchor,
    broken: bool,
    labels: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// Places the boxes: layers by the flow, centred in the widest layer.
fn place(chain: &Chain<'_>) -> (Vec<Node>, Vec<(usize, usize)>) {
    let mut nodes: Vec<Node> = chain
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| Node {
            item: Some(i),
            name: it.name.to_owned(),
            layer: 0,
            x: 0,
            y: 0,
        })
        .collect();
    let count = nodes.len();
    // Names that no item has get a box of their own, in the first layer.
    let mut edges = Vec::new();
    for flow in &chain.flows {
        let from = match flow.from {
            Some(f) => f,
            None => match nodes
                .iter()
                .position(|n| n.item.is_none() && n.name == flow.from_name)
            {
                Some(p) => p,
                None => {
                    nodes.push(Node {
                        item: None,
                        name: flow.from_name.clone(),
                        layer: 0,
                        x: 0,
                        y: 0,
                    });
                    nodes.len() - 1
                }
            },
        };
        edges.push((from, flow.to));
    }
    for to in 0..count {
        let layer = edges
            .iter()
            .filter(|(f, t)| *t == to && (*f < to || *f >= count))
            .filter_map(|(f, _)| nodes.get(*f).map(|n| n.layer + 1))
            .max()
            .unwrap_or(0);
        if let Some(n) = nodes.get_mut(to) {
            n.layer = layer;
        }
    }
    let layers = nodes.iter().map(|n| n.layer + 1).max().unwrap_or(1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); usize::try_from(layers).unwrap_or(0)];
    // Phantom boxes first in their layer, then items in layout order.
    for i in (count..nodes.len()).chain(0..count) {
        if let Some(n) = nodes.get(i)
            && let Some(m) = members.get_mut(usize::try_from(n.layer).unwrap_or(0))
        {
            m.push(i);
        }
    }
    let widest = members.iter().map(Vec::len).max().unwrap_or(1);
    let full = span(widest);
    for (layer, m) in members.iter().enumerate() {
        let left = (full - span(m.len())) / 2;
        for (k, i) in m.iter().enumerate() {
            if let Some(n) = nodes.get_mut(*i) {
                n.x = left + i64::try_from(k).unwrap_or(0) * (NODE_W + COL_GAP);
                n.y = i64::try_from(layer).unwrap_or(0) * (NODE_H + LAYER_GAP);
            }
        }
    }
    (nodes, edges)
}

/// The width of `n` boxes side by side.
fn span(n: usize) -> i64 {
    let n = i64::try_from(n.max(1)).unwrap_or(1);
    n * NODE_W + (n - 1) * COL_GAP
}

/// The point halfway along a cubic Bézier curve.
fn midpoint(p: &[(i64, i64); 4]) -> (i64, i64) {
    let [a, b, c, d] = p;
    (
        (a.0 + 3 * b.0 + 3 * c.0 + d.0) / 8,
        (a.1 + 3 * b.1 + 3 * c.1 + d.1) / 8,
    )
}

fn arrows(chain: &Chain<'_>, nodes: &[Node], edges: &[(usize, usize)]) -> Vec<Arrow> {
    let right_edge = nodes.iter().map(|n| n.x + NODE_W).max().unwrap_or(0);
    let left_edge = nodes.iter().map(|n| n.x).min().unwrap_or(0);
    let (mut rights, mut lefts) = (0i64, 0i64);
    let mut out = Vec::new();
    for (flow, (f, t)) in chain.flows.iter().zip(edges) {
        let (Some(a), Some(b)) = (nodes.get(*f), nodes.get(*t)) else {
            continue;
        };
        let (points, label_at, anchor) = if b.layer == a.layer + 1 {
            let start = (a.x + NODE_W / 2, a.y + NODE_H);
            let end = (b.x + NODE_W / 2, b.y - 3);
            let dy = (end.1 - start.1) / 2;
            let p = [start, (start.0, start.1 + dy), (end.0, end.1 - dy), end];
            (p, midpoint(&p), Anchor::Middle)
        } else if b.layer > a.layer {
            // Down past other layers: round the right-hand side.
            let x = right_edge + SIDE_OFFSET + rights * SIDE_STEP;
            rights += 1;
            let start = (a.x + NODE_W, a.y + NODE_H / 2);
            let end = (b.x + NODE_W + 3, b.y + NODE_H / 2);
            let p = [start, (x, start.1), (x, end.1), end];
            let (mx, my) = midpoint(&p);
            (p, (mx + 8, my), Anchor::Start)
        } else {
            // Back up, or within a layer: round the left-hand side.
            let x = left_edge - SIDE_OFFSET - lefts * SIDE_STEP;
            lefts += 1;
            let start = (a.x, a.y + NODE_H / 2);
            let end = (b.x - 3, b.y + NODE_H / 2);
            let p = [start, (x, start.1), (x, end.1), end];
            let (mx, my) = midpoint(&p);
            (p, (mx - 8, my), Anchor::End)
        };
        out.push(Arrow {
            points,
            label_at,
            anchor,
            broken: flow.broken,
            labels: flow.labels.clone(),
        });
    }
    out
}

/// The text of an arrow's label: its first rule's pattern, and how many
/// more rules there are.
fn label_text(labels: &[String]) -> String {
    let first = labels.first().map(String::as_str).unwrap_or_default();
    // "pattern (products → materials)": the pattern is what tells arrows apart.
    let pattern = first.rsplit_once(" (").map_or(first, |(p, _)| p);
    let mut text = shorten(pattern, LABEL_CHARS);
    if labels.len() > 1 {
        text.push_str(&format!(" +{}", labels.len() - 1));
    }
    text
}

/// The label's box: left, top, width.
fn label_box(arrow: &Arrow) -> (i64, i64, i64) {
    let text = label_text(&arrow.labels);
    let w = i64::try_from(text.chars().count()).unwrap_or(0) * LABEL_CHAR_W + 12;
    let (x, y) = arrow.label_at;
    let left = match arrow.anchor {
        Anchor::Start => x,
        Anchor::Middle => x - w / 2,
        Anchor::End => x - w,
    };
    (left, y - LABEL_H / 2, w)
}

/// Writes the graph of `chain` as an `<svg>` element. The arrowheads are
/// defined in the first graph of a page (`with_defs`); later graphs (of
/// sublayouts) use those, as ids must be unique in a page.
pub(crate) fn render(h: &mut Html, chain: &Chain<'_>, with_defs: bool) {
    let (nodes, edges) = place(chain);
    let arrows = arrows(chain, &nodes, &edges);
    // The bounding box of boxes, curves and labels.
    let (mut x0, mut y0, mut x1, mut y1) = (0i64, 0i64, 0i64, 0i64);
    for n in &nodes {
        x1 = x1.max(n.x + NODE_W);
        y1 = y1.max(n.y + NODE_H);
    }
    for a in &arrows {
        for (x, y) in a.points {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        let (l, t, w) = label_box(a);
        (x0, y0, x1, y1) = (x0.min(l), y0.min(t), x1.max(l + w), y1.max(t + LABEL_H));
    }
    let (vx, vy) = (x0 - MARGIN, y0 - MARGIN);
    let (width, height) = (x1 - x0 + 2 * MARGIN, y1 - y0 + 2 * MARGIN);
    h.markup("<svg class=\"graph\" role=\"img\"")
        .markup(" aria-label=\"The supply chain: steps and inspections, and the artifacts MATCH rules take between them\"")
        .attr_num("width", width)
        .attr_num("height", height)
        .markup(" viewBox=\"")
        .num(vx)
        .markup(" ")
        .num(vy)
        .markup(" ")
        .num(width)
        .markup(" ")
        .num(height)
        .markup("\">");
    if with_defs {
        h.markup(
            "<defs>\
             <marker id=\"arrow-ok\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead-ok\"/></marker>\
             <marker id=\"arrow-broken\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead-broken\"/></marker>\
             </defs>",
        );
    }
    // Arrows under the boxes, labels over everything.
    for a in &arrows {
        let class = if a.broken { "broken" } else { "ok" };
        let [p0, p1, p2, p3] = a.points;
        h.markup("<path class=\"flow flow-")
            .markup(class)
            .markup("\" d=\"M");
        for (i, (x, y)) in [p0, p1, p2, p3].into_iter().enumerate() {
            h.markup(match i {
                0 => "",
                1 => " C",
                _ => " ",
            })
            .num(x)
            .markup(",")
            .num(y);
        }
        h.markup("\" marker-end=\"url(#arrow-")
            .markup(class)
            .markup(")\"><title>")
            .text(&a.labels.join("\n"))
            .markup("</title></path>");
    }
    for node in &nodes {
        render_node(h, chain, node);
    }
    for a in &arrows {
        let (left, top, w) = label_box(a);
        h.markup("<g class=\"flow-label flow-label-")
            .markup(if a.broken { "broken" } else { "ok" })
            .markup("\"><title>")
            .text(&a.labels.join("\n"))
            .markup("</title><rect")
            .attr_num("x", left)
            .attr_num("y", top)
            .attr_num("width", w)
            .attr_num("height", LABEL_H)
            .markup(" rx=\"4\"/><text")
            .attr_num("x", left + w / 2)
            .attr_num("y", top + LABEL_H / 2 + 4)
            .markup(" text-anchor=\"middle\">")
            .text(&label_text(&a.labels))
            .markup("</text></g>");
    }
    h.markup("</svg>");
}

fn render_node(h: &mut Html, chain: &Chain<'_>, node: &Node) {
    let (x, y) = (node.x, node.y);
    let Some(item) = node.item.and_then(|i| chain.items.get(i)) else {
        h.markup("<g class=\"node node-missing\"><title>")
            .text("MATCH rules name ")
            .text(&node.name)
            .text(", which is not a step or inspection of the layout")
            .markup("</title><rect")
            .attr_num("x", x)
            .attr_num("y", y)
            .attr_num("width", NODE_W)
            .attr_num("height", NODE_H)
            .markup(" rx=\"8\"/><text class=\"node-name\"")
            .attr_num("x", x + 16)
            .attr_num("y", y + 25)
            .markup(">")
            .text(&shorten(&node.name, NAME_CHARS))
            .markup("</text><text class=\"node-sub\"")
            .attr_num("x", x + 16)
            .attr_num("y", y + 44)
            .markup(">not in the layout</text></g>");
        return;
    };
    let sub = match (item.kind, item.step, item.inspection) {
        (ItemKind::Step, Some(s), _) => {
            format!("step \u{b7} {} of {} signed", s.signers.len(), s.threshold)
        }
        (ItemKind::Step, None, _) => "step".to_owned(),
        (ItemKind::Inspection, _, Some(i)) => {
            format!("inspection \u{b7} {}", i.status.as_str().replace('-', " "))
        }
        (ItemKind::Inspection, _, None) => "inspection".to_owned(),
    };
    let inspection = item.kind == ItemKind::Inspection;
    h.markup("<a class=\"node-link\"")
        .href_anchor("item", item.anchor)
        .markup("><g class=\"node node-")
        .markup(item.outcome.class())
        .markup(if inspection { " node-inspection" } else { "" })
        .markup("\"><title>")
        .text(if inspection { "inspection " } else { "step " })
        .text(item.name)
        .text(": ")
        .text(item.outcome.label())
        .markup("</title><rect")
        .attr_num("x", x)
        .attr_num("y", y)
        .attr_num("width", NODE_W)
        .attr_num("height", NODE_H)
        .markup(if inspection {
            " rx=\"22\"/>"
        } else {
            " rx=\"8\"/>"
        })
        .markup("<text class=\"node-mark\"")
        .attr_num("x", x + NODE_W - 24)
        .attr_num("y", y + 25)
        .markup(">")
        .markup(item.outcome.mark())
        .markup("</text><text class=\"node-name\"")
        .attr_num("x", x + 18)
        .attr_num("y", y + 25)
        .markup(">")
        .text(&shorten(item.name, NAME_CHARS))
        .markup("</text><text class=\"node-sub\"")
        .attr_num("x", x + 18)
        .attr_num("y", y + 44)
        .markup(">")
        .text(&sub)
        .markup("</text></g></a>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_with_an_ellipsis() {
        assert_eq!(shorten("build", 22), "build");
        assert_eq!(shorten("abcdefghij", 5), "abcd\u{2026}");
        assert_eq!(shorten("ééééé", 5), "ééééé");
    }

    #[test]
    fn labels_show_the_pattern_and_the_count() {
        let one = vec!["dist/* (products \u{2192} materials)".to_owned()];
        assert_eq!(label_text(&one), "dist/*");
        let two = vec![
            one[0].clone(),
            "src/* (products \u{2192} products)".to_owned(),
        ];
        assert_eq!(label_text(&two), "dist/* +1");
    }

    #[test]
    fn the_midpoint_of_a_straight_curve_is_its_middle() {
        assert_eq!(midpoint(&[(0, 0), (0, 10), (0, 30), (0, 40)]), (0, 20));
    }
}
