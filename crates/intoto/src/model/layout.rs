//! Layouts: the supply-chain policy a project owner signs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use intoto_cjson::{Map, Value};
use intoto_crypto::{KeyId, PublicKey};

use super::error::{ModelError, Result};
use super::fields::{Fields, is_hex, object, strings, strings_value, type_error};
use super::rule::ArtifactRule;
use crate::time::{Clock, Timestamp};

/// One step of the supply chain: who may perform it, how many of them must
/// agree, what they should run, and rules for what they consume and produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The step's name; links for it are `<name>.<keyid[:8]>.link`.
    pub name: String,
    /// Key ids of the functionaries authorised to perform the step.
    pub pubkeys: Vec<String>,
    /// How many distinct functionaries must agree (at least 1).
    pub threshold: i64,
    /// The command the functionaries are expected to run (a warning if not).
    pub expected_command: Vec<String>,
    /// Rules over the step's materials.
    pub expected_materials: Vec<ArtifactRule>,
    /// Rules over the step's products.
    pub expected_products: Vec<ArtifactRule>,
}

impl Step {
    /// A step with no functionaries, threshold 1 and no rules.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            pubkeys: Vec::new(),
            threshold: 1,
            expected_command: Vec::new(),
            expected_materials: Vec::new(),
            expected_products: Vec::new(),
        }
    }

    /// Authorises a functionary by key id.
    pub fn add_pubkey(&mut self, keyid: &KeyId) -> &mut Self {
        self.pubkeys.push(keyid.as_str().to_owned());
        self
    }

    /// Sets the threshold (how many distinct functionaries must agree).
    pub fn set_threshold(&mut self, threshold: u32) -> &mut Self {
        self.threshold = i64::from(threshold);
        self
    }

    /// Sets the expected command from a shell-like string (POSIX `shlex` splitting).
    pub fn set_expected_command_from_str(&mut self, command: &str) -> Result<&mut Self> {
        self.expected_command =
            split_command(command, &format!("steps[{}].expected_command", self.name))?;
        Ok(self)
    }

    /// Appends a material rule written as a string, e.g. `ALLOW src/*`.
    pub fn add_material_rule_from_str(&mut self, rule: &str) -> Result<&mut Self> {
        let field = format!("step '{}' expected_materials", self.name);
        self.expected_materials.push(parse_rule_str(rule, &field)?);
        Ok(self)
    }

    /// Appends a product rule written as a string, e.g. `CREATE dist/*`.
    pub fn add_product_rule_from_str(&mut self, rule: &str) -> Result<&mut Self> {
        let field = format!("step '{}' expected_products", self.name);
        self.expected_products.push(parse_rule_str(rule, &field)?);
        Ok(self)
    }

    fn from_value(value: &Value, field: &str) -> Result<Self> {
        let f = object(value, field)?;
        let name = f.string("name")?.to_owned();
        check_name(&name, &f.path("name"))?;
        let pubkeys = f.strings_or_empty("pubkeys")?;
        for (i, k) in pubkeys.iter().enumerate() {
            if !is_hex(k) {
                return Err(ModelError::Hex {
                    field: format!("{}[{i}]", f.path("pubkeys")),
                    value: k.clone(),
                });
            }
        }
        let threshold = match f.get("threshold") {
            None => 1,
            Some(v) => v
                .as_i64()
                .ok_or_else(|| type_error(&f.path("threshold"), "an integer", v))?,
        };
        if threshold < 1 {
            return Err(ModelError::Threshold {
                field: f.path("threshold"),
                value: threshold,
            });
        }
        Ok(Self {
            expected_command: f.strings_or_empty("expected_command")?,
            expected_materials: rules(&f, "expected_materials")?,
            expected_products: rules(&f, "expected_products")?,
            name,
            pubkeys,
            threshold,
        })
    }

    fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("_type".into(), "step".into());
        m.insert("name".into(), self.name.as_str().into());
        m.insert("pubkeys".into(), strings_value(&self.pubkeys));
        m.insert("threshold".into(), self.threshold.into());
        m.insert(
            "expected_command".into(),
            strings_value(&self.expected_command),
        );
        m.insert(
            "expected_materials".into(),
            rules_value(&self.expected_materials),
        );
        m.insert(
            "expected_products".into(),
            rules_value(&self.expected_products),
        );
        Value::Object(m)
    }
}

/// An inspection: a command the verifier runs itself, with rules over what
/// it finds before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// The inspection's name; its unsigned link is written as `<name>.link`.
    pub name: String,
    /// The command to run, as an argument vector (run without a shell).
    pub run: Vec<String>,
    /// Rules over the files before the command ran.
    pub expected_materials: Vec<ArtifactRule>,
    /// Rules over the files after the command ran.
    pub expected_products: Vec<ArtifactRule>,
}

impl Inspection {
    /// An inspection with no command and no rules.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            run: Vec::new(),
            expected_materials: Vec::new(),
            expected_products: Vec::new(),
        }
    }

    /// Sets the command from a shell-like string (POSIX `shlex` splitting).
    pub fn set_run_from_str(&mut self, command: &str) -> Result<&mut Self> {
        self.run = split_command(command, &format!("inspect[{}].run", self.name))?;
        Ok(self)
    }

    /// Appends a material rule written as a string.
    pub fn add_material_rule_from_str(&mut self, rule: &str) -> Result<&mut Self> {
        let field = format!("inspection '{}' expected_materials", self.name);
        self.expected_materials.push(parse_rule_str(rule, &field)?);
        Ok(self)
    }

    /// Appends a product rule written as a string.
    pub fn add_product_rule_from_str(&mut self, rule: &str) -> Result<&mut Self> {
        let field = format!("inspection '{}' expected_products", self.name);
        self.expected_products.push(parse_rule_str(rule, &field)?);
        Ok(self)
    }

    fn from_value(value: &Value, field: &str) -> Result<Self> {
        let f = object(value, field)?;
        let name = f.string("name")?.to_owned();
        check_name(&name, &f.path("name"))?;
        Ok(Self {
            run: f.strings_or_empty("run")?,
            expected_materials: rules(&f, "expected_materials")?,
            expected_products: rules(&f, "expected_products")?,
            name,
        })
    }

    fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("_type".into(), "inspection".into());
        m.insert("name".into(), self.name.as_str().into());
        m.insert("run".into(), strings_value(&self.run));
        m.insert(
            "expected_materials".into(),
            rules_value(&self.expected_materials),
        );
        m.insert(
            "expected_products".into(),
            rules_value(&self.expected_products),
        );
        Value::Object(m)
    }
}

/// Layout metadata (`"_type": "layout"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// When the layout stops being valid.
    pub expires: Timestamp,
    /// Free text for humans.
    pub readme: String,
    /// Functionary public keys, by key id.
    pub keys: BTreeMap<String, PublicKey>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// The inspections, in order.
    pub inspect: Vec<Inspection>,
}

impl Layout {
    /// An empty layout that expires one month from `clock`'s now (the
    /// reference's default).
    pub fn new(clock: &dyn Clock) -> Self {
        Self {
            expires: clock.now().add_relative(0, 1, 0),
            readme: String::new(),
            keys: BTreeMap::new(),
            steps: Vec::new(),
            inspect: Vec::new(),
        }
    }

    /// Sets the expiry relative to `clock`'s now, with calendar arithmetic
    /// (`months = 4` on January 31 gives May 31; on October 31, February 28/29).
    pub fn set_relative_expiration(
        &mut self,
        clock: &dyn Clock,
        days: i64,
        months: i64,
        years: i64,
    ) -> &mut Self {
        self.expires = clock.now().add_relative(years, months, days);
        self
    }

    /// Adds a functionary key and returns its key id.
    pub fn add_functionary_key(&mut self, key: PublicKey) -> KeyId {
        let id = key.keyid().clone();
        self.keys.insert(id.as_str().to_owned(), key);
        id
    }

    /// Adds a functionary key from a PEM public-key file and returns its key id.
    pub fn add_functionary_key_from_path(
        &mut self,
        path: &Path,
    ) -> std::result::Result<KeyId, crate::Error> {
        let key = crate::keys::load_public_key(path)?;
        Ok(self.add_functionary_key(key))
    }

    /// The step with this name.
    pub fn step(&self, name: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.name == name)
    }

    /// The inspection with this name.
    pub fn inspection(&self, name: &str) -> Option<&Inspection> {
        self.inspect.iter().find(|s| s.name == name)
    }

    /// Reads a layout from the JSON value of its `signed` member (or DSSE
    /// payload), with the reference's validation and some of our own (unique
    /// names that are safe as file names, thresholds of at least 1, key ids
    /// that match their keys' own).
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = object(value, "")?;
        let kind = f.str_or("_type", "")?;
        if kind != "layout" {
            return Err(ModelError::WrongKind {
                expected: "layout",
                found: kind.to_owned(),
            });
        }
        let expires = Timestamp::parse(f.string("expires")?)?;
        let readme = f.str_or("readme", "")?.to_owned();
        let mut keys = BTreeMap::new();
        if let Some(v) = f.get("keys") {
            let Value::Object(m) = v else {
                return Err(type_error("keys", "an object", v));
            };
            for (id, kv) in m {
                let field = format!("keys[{id}]");
                if !is_hex(id) {
                    return Err(ModelError::Hex {
                        field: "keys".into(),
                        value: id.clone(),
                    });
                }
                let key = PublicKey::from_key_dict(kv)
                    .map_err(|source| ModelError::Key { field, source })?;
                if key.keyid().as_str() != id {
                    return Err(ModelError::KeyIdMismatch {
                        outer: id.clone(),
                        inner: key.keyid().as_str().to_owned(),
                    });
                }
                keys.insert(id.clone(), key);
            }
        }
        let mut names = BTreeSet::new();
        let mut steps = Vec::new();
        for (i, s) in f.array("steps")?.iter().enumerate() {
            let step = Step::from_value(s, &format!("steps[{i}]"))?;
            if !names.insert(step.name.clone()) {
                return Err(ModelError::DuplicateName(step.name));
            }
            steps.push(step);
        }
        let mut inspect = Vec::new();
        for (i, s) in f.array("inspect")?.iter().enumerate() {
            let insp = Inspection::from_value(s, &format!("inspect[{i}]"))?;
            if !names.insert(insp.name.clone()) {
                return Err(ModelError::DuplicateName(insp.name));
            }
            inspect.push(insp);
        }
        Ok(Self {
            expires,
            readme,
            keys,
            steps,
            inspect,
        })
    }

    /// The layout as the JSON object the reference writes.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("_type".into(), "layout".into());
        m.insert("expires".into(), self.expires.to_string().into());
        m.insert("readme".into(), self.readme.as_str().into());
        m.insert(
            "keys".into(),
            Value::Object(
                self.keys
                    .iter()
                    .map(|(id, k)| (id.clone(), k.to_key_dict()))
                    .collect(),
            ),
        );
        m.insert(
            "steps".into(),
            self.steps.iter().map(Step::to_value).collect(),
        );
        m.insert(
            "inspect".into(),
            self.inspect.iter().map(Inspection::to_value).collect(),
        );
        Value::Object(m)
    }
}

fn check_name(name: &str, field: &str) -> Result<()> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
        return Err(ModelError::UnsafeName {
            field: field.to_owned(),
            name: name.to_owned(),
        });
    }
    Ok(())
}

fn rules(f: &Fields<'_>, key: &str) -> Result<Vec<ArtifactRule>> {
    let field = f.path(key);
    f.array_or_empty(key)?
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let rfield = format!("{field}[{i}]");
            let Value::Array(items) = r else {
                return Err(type_error(&rfield, "a rule (an array of strings)", r));
            };
            let tokens = strings(items, &rfield)?;
            ArtifactRule::from_list(&tokens).map_err(|source| ModelError::Rule {
                field: rfield,
                source,
            })
        })
        .collect()
}

fn rules_value(rules: &[ArtifactRule]) -> Value {
    rules.iter().map(|r| strings_value(r.tokens())).collect()
}

fn parse_rule_str(rule: &str, field: &str) -> Result<ArtifactRule> {
    rule.parse::<ArtifactRule>()
        .map_err(|source| ModelError::Rule {
            field: field.to_owned(),
            source,
        })
}

fn split_command(command: &str, field: &str) -> Result<Vec<String>> {
    crate::rules::shlex::split(command).map_err(|e| ModelError::Command {
        field: field.to_owned(),
        text: command.to_owned(),
        reason: e.message(),
    })
}
