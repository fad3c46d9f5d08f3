//! Generated Statements round-trip through JSON, and damaged JSON never
//! panics the reader. `INTOTO_FUZZ_CASES` sets the number of cases
//! (default 300), from a fixed seed.

use intoto_attestation::predicate::{BuildMetadata, Verifier};
use intoto_attestation::{
    DigestSet, LinkPredicate, Predicate, Provenance, ResourceDescriptor, Statement, Timestamp,
    VerificationResult, VerificationSummary, known_algorithms,
};
use intoto_cjson::{Map, Value};

/// The shared deterministic generator, with the value makers below.
struct Rng(intoto_testkit::Rng);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: usize) -> usize {
        self.0.below(n)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.0.chance(percent)
    }

    fn text(&mut self) -> String {
        const PARTS: &[&str] = &[
            "a",
            "Z",
            "0",
            "/",
            ".",
            " ",
            "\"",
            "\\",
            "\n",
            "\u{e9}",
            "\u{1F600}",
            "\u{7f}",
            "-",
            "_",
            "\t",
        ];
        (0..1 + self.below(8))
            .map(|_| PARTS[self.below(PARTS.len())])
            .collect()
    }

    fn uri(&mut self) -> String {
        const SCHEMES: &[&str] = &[
            "https://example.com/",
            "pkg:npm/",
            "git+https://h.example/",
            "urn:x:",
        ];
        format!("{}{}", SCHEMES[self.below(SCHEMES.len())], self.below(1000))
    }

    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16)]))
            .collect()
    }

    fn digests(&mut self) -> DigestSet {
        let algorithms: Vec<&str> = known_algorithms().collect();
        let mut set = DigestSet::new();
        for _ in 0..1 + self.below(3) {
            let a = algorithms[self.below(algorithms.len())];
            let len = match a {
                "sha224" | "sha512_224" | "sha3_224" => 56,
                "sha384" | "sha3_384" => 96,
                "sha512" | "sha3_512" => 128,
                "sha1" | "ripemd160" | "gitBlob" | "gitTag" => 40,
                "md5" => 32,
                "shake128" | "blake2s" => 2 * (1 + self.below(32)),
                _ => 64,
            };
            set.insert(a, self.hex(len)).unwrap();
        }
        if self.chance(20) {
            set.insert("vendorId", self.text()).unwrap();
        }
        set
    }

    fn json(&mut self, depth: usize) -> Value {
        match self.below(if depth == 0 { 4 } else { 6 }) {
            0 => Value::Null,
            1 => Value::from(self.chance(50)),
            2 => Value::from(self.next() as i64),
            3 => Value::from(self.text()),
            4 => Value::Array((0..self.below(3)).map(|_| self.json(depth - 1)).collect()),
            _ => Value::Object(self.object(depth - 1)),
        }
    }

    fn object(&mut self, depth: usize) -> Map {
        (0..self.below(3))
            .map(|_| (self.text(), self.json(depth)))
            .collect()
    }

    fn descriptor(&mut self, name: Option<String>, digest: bool) -> ResourceDescriptor {
        let mut rd = ResourceDescriptor {
            name,
            digest: digest.then(|| self.digests()),
            ..ResourceDescriptor::default()
        };
        if self.chance(30) || !digest {
            rd.uri = Some(self.uri());
        }
        if self.chance(20) {
            rd.content = Some(self.text().into_bytes());
        }
        if self.chance(20) {
            rd.download_location = Some(self.uri());
        }
        if self.chance(20) {
            rd.media_type = Some("text/plain".into());
        }
        if self.chance(20) {
            rd.annotations = Some(self.object(2));
        }
        rd
    }

    fn named_list(&mut self, max: usize) -> Vec<ResourceDescriptor> {
        let n = self.below(max + 1);
        (0..n)
            .map(|i| {
                let name = format!("{i}-{}", self.text());
                self.descriptor(Some(name), true)
            })
            .collect()
    }

    fn timestamp(&mut self) -> Timestamp {
        Timestamp::from_unix((self.next() % 4_000_000_000) as i64).unwrap()
    }

    fn statement(&mut self) -> Statement {
        let kind = self.below(4);
        let subject = if kind == 0 {
            self.named_list(3)
        } else {
            (0..self.below(3))
                .map(|_| {
                    let name = self.chance(50).then(|| self.text());
                    self.descriptor(name, true)
                })
                .collect()
        };
        let predicate = match kind {
            0 => Predicate::Link(LinkPredicate {
                name: self.text(),
                command: (0..self.below(4)).map(|_| self.text()).collect(),
                materials: self.named_list(3),
                byproducts: self.object(2),
                environment: self.object(2),
                extensions: Map::new(),
            }),
            1 => {
                let mut p = Provenance::new(self.uri(), self.uri());
                p.build_definition.external_parameters = self.object(2);
                p.build_definition.internal_parameters = self.object(1);
                p.build_definition.resolved_dependencies = self.named_list(2);
                p.run_details.byproducts = self.named_list(1);
                p.run_details.builder.version = (0..self.below(2))
                    .map(|_| (self.text(), self.text()))
                    .collect();
                if self.chance(50) {
                    p.run_details.metadata = BuildMetadata {
                        invocation_id: Some(self.text()),
                        started_on: Some(self.timestamp()),
                        finished_on: self.chance(50).then(|| self.timestamp()),
                        extensions: Map::new(),
                    };
                }
                Predicate::Provenance(p)
            }
            2 => Predicate::Vsa(VerificationSummary {
                verifier: Verifier {
                    id: self.uri(),
                    version: (0..self.below(2))
                        .map(|_| (self.text(), self.text()))
                        .collect(),
                    extensions: Map::new(),
                },
                time_verified: self.chance(50).then(|| self.timestamp()),
                resource_uri: self.uri(),
                policy: {
                    let with_digest = self.chance(50);
                    let mut p = self.descriptor(None, with_digest);
                    p.uri = Some(self.uri());
                    p
                },
                input_attestations: self.chance(50).then(|| self.named_list(2)),
                verification_result: if self.chance(50) {
                    VerificationResult::Passed
                } else {
                    VerificationResult::Failed
                },
                verified_levels: vec![format!("SLSA_BUILD_LEVEL_{}", self.below(4))],
                dependency_levels: self.chance(50).then(|| {
                    (0..self.below(3))
                        .map(|i| (format!("SLSA_BUILD_LEVEL_{i}"), self.next() >> 1))
                        .collect()
                }),
                slsa_version: self.chance(50).then(|| "1.1".to_owned()),
                extensions: Map::new(),
            }),
            _ => Predicate::Other {
                predicate_type: self.uri(),
                predicate: self.chance(70).then(|| self.object(3)),
            },
        };
        let mut s = Statement::new(subject, predicate);
        if self.chance(20) {
            s.extensions = self.object(1);
            s.extensions.retain(|k, _| {
                !["_type", "subject", "predicateType", "predicate"].contains(&k.as_str())
            });
        }
        s
    }
}

fn cases() -> usize {
    std::env::var("INTOTO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

#[test]
fn generated_statements_round_trip() {
    let mut rng = Rng(intoto_testkit::Rng::new(0x0a77_e57a_7105_0001));
    for i in 0..cases() {
        let s = rng.statement();
        s.validate()
            .unwrap_or_else(|e| panic!("case {i}: {e}\n{}", s.to_json()));
        let json = s.to_json();
        let back = Statement::from_slice(json.as_bytes()).unwrap();
        assert_eq!(back, s, "case {i}");
        assert_eq!(back.to_json(), json, "case {i}");
    }
}

#[test]
fn damaged_statements_never_panic() {
    let mut rng = Rng(intoto_testkit::Rng::new(0x0a77_e57a_7105_0002));
    let (mut ok, mut err) = (0, 0);
    for _ in 0..cases() {
        let mut bytes = rng.statement().to_json().into_bytes();
        for _ in 0..1 + rng.below(3) {
            if bytes.is_empty() {
                break;
            }
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => {
                    const BYTES: &[u8] = b"\"{}[],:0aZ\\ ";
                    bytes[at] = BYTES[rng.below(BYTES.len())];
                }
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.truncate(at),
            }
        }
        match Statement::from_slice(&bytes) {
            Ok(s) => {
                ok += 1;
                // Whatever was accepted writes and reads back the same.
                assert_eq!(Statement::from_slice(s.to_json().as_bytes()).unwrap(), s);
            }
            Err(e) => {
                err += 1;
                assert!(!e.to_string().is_empty());
            }
        }
    }
    assert!(ok > 0 && err > 0, "accepted {ok}, refused {err}");
}
