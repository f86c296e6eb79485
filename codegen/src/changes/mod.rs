//! `codegen changes`: what a spec change does to the callers of the generated client.
//!
//! Two [`Api`]s (the specs at a git ref, and the working tree) are compared item by item;
//! each difference is a [`Change`], classed breaking or compatible with the reason in a caller's
//! terms, and the report says which semver bump the set of them implies. The policy is in
//! `docs/changes.md`; it judges the Rust API the emitters write (which types are
//! `#[non_exhaustive]`, which derive what), so a change to an emitter's promises is a change here.
//!
//! The stages: [`git`] reads the base side's specs from a ref, [`diff`] pairs and compares,
//! [`render`] writes text or Markdown, [`cli`] runs the subcommand.

pub mod cli;
pub mod diff;
mod endpoints;
mod errors;
mod fields;
pub mod git;
mod names;
pub mod render;
mod types;

use crate::ir::Api;

/// One difference between the two sides, as a caller of the generated crate sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The item changed, as a path in the client crate: `wxopen::get_linked_mini_programs`
    /// (an endpoint, by its method), `wxopen::LinkedMiniProgram` (a type), `GlobalError`.
    pub subject: String,
    /// What changed, e.g. "request field `appid` became required".
    pub what: String,
    pub class: Class,
    /// Why the change is classed so, in a caller's terms.
    pub reason: String,
    /// The least version bump this change needs on its own.
    pub bump: Bump,
}

/// Whether code that compiled and worked against the base side still does against the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Breaking,
    Compatible,
}

/// A semver bump, smallest first so that the largest of a set is its `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn name(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl Change {
    /// A change that can stop callers compiling, or make working calls fail.
    pub fn breaking(subject: &str, what: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::new(subject, what, reason, Class::Breaking, Bump::Major)
    }

    /// An addition or a change of behaviour that callers' code survives.
    pub fn compatible(subject: &str, what: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::new(subject, what, reason, Class::Compatible, Bump::Minor)
    }

    /// A change of documentation only: what the code does is the same.
    pub fn docs(subject: &str, what: impl Into<String>) -> Self {
        Self::new(
            subject,
            what,
            "only rustdoc changes",
            Class::Compatible,
            Bump::Patch,
        )
    }

    fn new(
        subject: &str,
        what: impl Into<String>,
        reason: impl Into<String>,
        class: Class,
        bump: Bump,
    ) -> Self {
        Self {
            subject: subject.to_owned(),
            what: what.into(),
            class,
            reason: reason.into(),
            bump,
        }
    }

    pub fn is_docs_only(&self) -> bool {
        self.bump == Bump::Patch
    }
}

/// Every change between two sides, sorted by subject and then by what changed, so a report
/// reads item by item and two runs print the same text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeReport {
    pub changes: Vec<Change>,
}

impl ChangeReport {
    pub fn new(mut changes: Vec<Change>) -> Self {
        changes.sort_by(|a, b| (&a.subject, &a.what, a.class).cmp(&(&b.subject, &b.what, b.class)));
        changes.dedup();
        Self { changes }
    }

    /// The bump the whole report needs: the largest of its changes'.
    pub fn bump(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| c.bump)
            .max()
            .unwrap_or(Bump::None)
    }

    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.class == Class::Breaking)
    }

    /// The changes of one class, in report order.
    pub fn of_class(&self, class: Class) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.class == class)
    }
}

/// Compares two lowered spec sets: `base` is the old side, `head` the new.
pub fn compare(base: &Api, head: &Api) -> ChangeReport {
    ChangeReport::new(diff::changes(base, head))
}

/// A `major.minor.patch` version, pre-release and build metadata dropped (the next version of a
/// pre-release is the caller's call, not arithmetic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    /// Reads `1.2.3` (and `1.2.3-rc.1+build`, as `1.2.3`); `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let core = text.trim().split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|part| part.parse::<u64>().ok());
        let version = Self {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next()??,
        };
        parts.next().is_none().then_some(version)
    }

    /// The version after this one for `bump`. Below 1.0 cargo treats the minor number as the
    /// major one (`^0.2` excludes `0.3`), so there a breaking change bumps the minor number and
    /// anything else the patch number.
    pub fn next(self, bump: Bump) -> Self {
        let Self {
            major,
            minor,
            patch,
        } = self;
        let (major, minor, patch) = match (major, bump) {
            (_, Bump::None) => (major, minor, patch),
            (0, Bump::Major) => (0, minor + 1, 0),
            (0, Bump::Minor | Bump::Patch) => (0, minor, patch + 1),
            (_, Bump::Major) => (major + 1, 0, 0),
            (_, Bump::Minor) => (major, minor + 1, 0),
            (_, Bump::Patch) => (major, minor, patch + 1),
        };
        Self {
            major,
            minor,
            patch,
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(text: &str) -> Version {
        Version::parse(text).unwrap_or(Version {
            major: 999,
            minor: 999,
            patch: 999,
        })
    }

    #[test]
    fn the_bump_is_the_largest_a_change_needs() {
        let docs = Change::docs("a", "documentation changed");
        let added = Change::compatible("b", "added", "new");
        let removed = Change::breaking("c", "removed", "gone");
        assert_eq!(ChangeReport::new(vec![]).bump(), Bump::None);
        assert_eq!(ChangeReport::new(vec![docs.clone()]).bump(), Bump::Patch);
        let minor = ChangeReport::new(vec![docs.clone(), added.clone()]);
        assert_eq!(minor.bump(), Bump::Minor);
        assert!(!minor.is_breaking());
        let major = ChangeReport::new(vec![removed, docs, added]);
        assert_eq!(major.bump(), Bump::Major);
        assert!(major.is_breaking());
        // Sorted by subject whatever order the changes were found in.
        let subjects: Vec<&str> = major.changes.iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(subjects, ["a", "b", "c"]);
    }

    #[test]
    fn below_one_a_breaking_change_bumps_the_minor_number() {
        let v = version("0.1.3");
        assert_eq!(v.next(Bump::Major).to_string(), "0.2.0");
        assert_eq!(v.next(Bump::Minor).to_string(), "0.1.4");
        assert_eq!(v.next(Bump::Patch).to_string(), "0.1.4");
        assert_eq!(v.next(Bump::None).to_string(), "0.1.3");
    }

    #[test]
    fn from_one_on_the_usual_rules() {
        let v = version("1.4.2");
        assert_eq!(v.next(Bump::Major).to_string(), "2.0.0");
        assert_eq!(v.next(Bump::Minor).to_string(), "1.5.0");
        assert_eq!(v.next(Bump::Patch).to_string(), "1.4.3");
        assert_eq!(v.next(Bump::None).to_string(), "1.4.2");
    }

    #[test]
    fn versions_parse_strictly() {
        assert_eq!(version("1.2.3-rc.1+build.5").to_string(), "1.2.3");
        for bad in ["1.2", "1.2.3.4", "x.1.2", "", "1..2"] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
    }
}
