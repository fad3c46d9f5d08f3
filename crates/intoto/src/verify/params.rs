//! Parameter substitution: `{name}` placeholders in a layout's artifact
//! rules, expected commands and inspection commands, replaced by values the
//! verifier chooses (the reference's `substitute_parameters`, which applies
//! Python's `str.format(**params)` to every string).
//!
//! We accept the part of `str.format` that the reference's feature is
//! meant for: `{name}` and the escapes `{{` and `}}`. A placeholder naming
//! no parameter is an error (the reference's `KeyError`), and so is a
//! parameter no placeholder uses (we add this: a misspelt name must not go
//! unnoticed). Format specifications, conversions, attribute and index
//! access and positional fields (`{x:>8}`, `{x!r}`, `{x.y}`, `{0}`, `{}`)
//! are refused rather than interpreted.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::rule::{ArtifactRule, RuleError};
use crate::model::{Inspection, Layout, Step};

/// Values for the placeholders of a layout, by name.
pub type Parameters = BTreeMap<String, String>;

/// Why parameters could not be substituted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamError {
    /// A parameter name is not made of ASCII letters, digits, `_` and `-`.
    #[error("invalid parameter name '{0}': names are made of ASCII letters, digits, '_' and '-'")]
    InvalidName(String),
    /// The layout uses a placeholder for which no value was given.
    #[error("'{field}' uses the parameter '{name}', which has no value")]
    Unknown {
        /// Where the placeholder is, e.g. `steps[build].expected_command[1]`.
        field: String,
        /// The parameter.
        name: String,
    },
    /// A value was given for a parameter the layout never uses.
    #[error("the parameter '{0}' is not used by the layout")]
    Unused(String),
    /// A string is not a valid format string (a lone `{` or `}`), or uses
    /// `str.format` features we do not support.
    #[error("'{field}': {reason} in '{text}'")]
    Syntax {
        /// Where the string is.
        field: String,
        /// The string.
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// A rule no longer parses after substitution.
    #[error("'{field}': after substitution: {source}")]
    Rule {
        /// Where the rule is.
        field: String,
        /// Why it does not parse.
        #[source]
        source: RuleError,
    },
}

/// Whether `name` is a valid parameter name (`^[a-zA-Z0-9_-]+$`, as the
/// reference checks).
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Substitutes `params` into every artifact rule, expected command and
/// inspection command of `layout`, in place; see the module documentation.
/// On error the layout is left unchanged.
pub fn substitute_parameters(layout: &mut Layout, params: &Parameters) -> Result<(), ParamError> {
    for name in params.keys() {
        if !is_valid_name(name) {
            return Err(ParamError::InvalidName(name.clone()));
        }
    }
    let mut used = BTreeSet::new();
    let mut s = Subst {
        params,
        used: &mut used,
    };
    let steps = layout
        .steps
        .iter()
        .map(|step| s.step(step))
        .collect::<Result<Vec<_>, _>>()?;
    let inspect = layout
        .inspect
        .iter()
        .map(|insp| s.inspection(insp))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(unused) = params.keys().find(|k| !used.contains(k.as_str())) {
        return Err(ParamError::Unused(unused.clone()));
    }
    layout.steps = steps;
    layout.inspect = inspect;
    Ok(())
}

struct Subst<'p, 'u> {
    params: &'p Parameters,
    used: &'u mut BTreeSet<String>,
}

impl Subst<'_, '_> {
    fn step(&mut self, step: &Step) -> Result<Step, ParamError> {
        let at = |what: &str| format!("steps[{}].{what}", step.name);
        Ok(Step {
            expected_command: self.strings(&step.expected_command, &at("expected_command"))?,
            expected_materials: self.rules(&step.expected_materials, &at("expected_materials"))?,
            expected_products: self.rules(&step.expected_products, &at("expected_products"))?,
            ..step.clone()
        })
    }

    fn inspection(&mut self, insp: &Inspection) -> Result<Inspection, ParamError> {
        let at = |what: &str| format!("inspect[{}].{what}", insp.name);
        Ok(Inspection {
            run: self.strings(&insp.run, &at("run"))?,
            expected_materials: self.rules(&insp.expected_materials, &at("expected_materials"))?,
            expected_products: self.rules(&insp.expected_products, &at("expected_products"))?,
            ..insp.clone()
        })
    }

    fn strings(&mut self, items: &[String], field: &str) -> Result<Vec<String>, ParamError> {
        items
            .iter()
            .enumerate()
            .map(|(i, s)| self.format(s, &format!("{field}[{i}]")))
            .collect()
    }

    fn rules(
        &mut self,
        rules: &[ArtifactRule],
        field: &str,
    ) -> Result<Vec<ArtifactRule>, ParamError> {
        rules
            .iter()
            .enumerate()
            .map(|(i, rule)| {
                let field = format!("{field}[{i}]");
                let tokens = self.strings(rule.tokens(), &field)?;
                ArtifactRule::from_list(&tokens)
                    .map_err(|source| ParamError::Rule { field, source })
            })
            .collect()
    }

    /// Python's `text.format(**params)`, restricted to `{name}`, `{{`, `}}`.
    fn format(&mut self, text: &str, field: &str) -> Result<String, ParamError> {
        let syntax = |reason: &str| ParamError::Syntax {
            field: field.to_owned(),
            text: text.to_owned(),
            reason: reason.to_owned(),
        };
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(pos) = rest.find(['{', '}']) {
            out.push_str(&rest[..pos]);
            let tail = &rest[pos..];
            if let Some(after) = tail.strip_prefix("{{") {
                out.push('{');
                rest = after;
            } else if let Some(after) = tail.strip_prefix("}}") {
                out.push('}');
                rest = after;
            } else if tail.starts_with('}') {
                return Err(syntax("Single '}' encountered in format string"));
            } else {
                let inner = &tail[1..];
                let Some(end) = inner.find('}') else {
                    return Err(syntax("expected '}' before end of string"));
                };
                let name = &inner[..end];
                if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(syntax(&format!(
                        "positional field '{{{name}}}' (only named parameters are supported)"
                    )));
                }
                if !is_valid_name(name) {
                    return Err(syntax(&format!(
                        "unsupported placeholder '{{{name}}}' (only '{{name}}' is supported)"
                    )));
                }
                let Some(value) = self.params.get(name) else {
                    return Err(ParamError::Unknown {
                        field: field.to_owned(),
                        name: name.to_owned(),
                    });
                };
                self.used.insert(name.to_owned());
                out.push_str(value);
                rest = &inner[end + 1..];
            }
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    fn layout() -> Layout {
        let mut step = Step::new("artifacts");
        step.add_material_rule_from_str("MATCH {SOURCE_THING} WITH MATERIALS FROM {SOURCE_STEP}")
            .unwrap();
        step.add_product_rule_from_str("CREATE {NEW_THING}")
            .unwrap();
        step.expected_command = vec!["{EDITOR}".into(), "{{literal}}".into()];
        let mut insp = Inspection::new("do-the-thing");
        insp.add_material_rule_from_str("MATCH {SOURCE_THING} WITH MATERIALS FROM {SOURCE_STEP}")
            .unwrap();
        insp.run = vec!["{COMMAND}".into()];
        Layout {
            expires: Timestamp::from_unix(0),
            readme: String::new(),
            keys: BTreeMap::new(),
            steps: vec![step],
            inspect: vec![insp],
        }
    }

    fn params(pairs: &[(&str, &str)]) -> Parameters {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    // Ported from the reference's tests/test_param_substitution.py
    // (TestSubstituteArtifacts, TestSubstituteRunField,
    // TestSubstituteExpectedCommand), plus our unused-name check.
    #[test]
    fn substitutes_rules_commands_and_runs() {
        let mut l = layout();
        let p = params(&[
            ("SOURCE_THING", "vim"),
            ("SOURCE_STEP", "source_step"),
            ("NEW_THING", "new_thing"),
            ("EDITOR", "vim"),
            ("COMMAND", "touch"),
        ]);
        substitute_parameters(&mut l, &p).unwrap();
        let s = &l.steps[0];
        assert_eq!(s.expected_materials[0].tokens()[1], "vim");
        assert_eq!(s.expected_materials[0].tokens()[5], "source_step");
        assert_eq!(s.expected_products[0].tokens()[1], "new_thing");
        assert_eq!(s.expected_command, ["vim", "{literal}"]);
        assert_eq!(l.inspect[0].expected_materials[0].tokens()[1], "vim");
        assert_eq!(l.inspect[0].run, ["touch"]);
    }

    #[test]
    fn errors() {
        let all = [
            ("SOURCE_THING", "vim"),
            ("SOURCE_STEP", "s"),
            ("NEW_THING", "n"),
            ("EDITOR", "vim"),
            ("COMMAND", "touch"),
        ];
        // A placeholder without a value: the reference's KeyError.
        let mut l = layout();
        let err = substitute_parameters(&mut l, &params(&all[..4])).unwrap_err();
        assert_eq!(
            err,
            ParamError::Unknown {
                field: "inspect[do-the-thing].run[0]".into(),
                name: "COMMAND".into()
            }
        );
        assert_eq!(l, layout(), "unchanged on error");
        let err = substitute_parameters(&mut l, &Parameters::new()).unwrap_err();
        assert!(matches!(err, ParamError::Unknown { .. }));
        // A value nobody uses.
        let mut p = params(&all);
        p.insert("NOEDITOR".into(), "x".into());
        assert_eq!(
            substitute_parameters(&mut l, &p).unwrap_err(),
            ParamError::Unused("NOEDITOR".into())
        );
        // Bad names (the reference's FormatError).
        let mut p = params(&all);
        p.insert("~!#@".into(), "x".into());
        assert!(matches!(
            substitute_parameters(&mut l, &p).unwrap_err(),
            ParamError::InvalidName(_)
        ));
    }

    #[test]
    fn format_syntax() {
        let p = params(&[("a", "A"), ("b-c", "BC")]);
        let mut used = BTreeSet::new();
        let mut s = Subst {
            params: &p,
            used: &mut used,
        };
        assert_eq!(s.format("x{a}y{b-c}z", "f").unwrap(), "xAyBCz");
        assert_eq!(s.format("{{a}}", "f").unwrap(), "{a}");
        assert_eq!(s.format("}}{{", "f").unwrap(), "}{");
        for bad in [
            "{", "}", "{a", "a}", "{}", "{0}", "{a:>3}", "{a!r}", "{a.b}", "{a[0]}",
        ] {
            assert!(
                matches!(s.format(bad, "f"), Err(ParamError::Syntax { .. })),
                "{bad}"
            );
        }
    }
}
