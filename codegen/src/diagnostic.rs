//! Problems found in specs, reported all at once, rustc-style, and never as a panic.
//!
//! A check names the node it is about by its spec path (`endpoint.response.fields[2].type`);
//! [`Diagnostics::locate`] then turns paths into lines and columns with the file's
//! [`SourceIndex`], and rendering shows the offending line with the node underlined.

use crate::source::{Location, SourceIndex};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    /// Shown, but fails the run only under `--deny-warnings`.
    Warning,
}

/// One problem in one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The spec file, relative to the specs folder when it is inside it.
    pub file: PathBuf,
    /// Where in the spec the problem is, as a path of keys (`endpoint.response.fields[0].type`).
    pub spec_path: String,
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Line, column and span, once located.
    pub location: Option<Location>,
    /// Other nodes of the same file worth showing (a first occurrence), with a label each.
    pub related: Vec<Related>,
    /// The file's text, to show the offending lines; shared by the file's diagnostics.
    source: Option<Arc<str>>,
}

/// A second place in the same file that explains the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub spec_path: String,
    pub label: String,
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn new(
        file: impl Into<PathBuf>,
        spec_path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            spec_path: spec_path.into(),
            message: message.into(),
            help: None,
            location: None,
            related: Vec::new(),
            source: None,
        }
    }

    pub fn warning(
        file: impl Into<PathBuf>,
        spec_path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::new(file, spec_path, message)
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Also shows the node at `spec_path` of the same file, labelled.
    #[must_use]
    pub fn also_at(mut self, spec_path: impl Into<String>, label: impl Into<String>) -> Self {
        self.related.push(Related {
            spec_path: spec_path.into(),
            label: label.into(),
            location: None,
        });
        self
    }

    /// Places the diagnostic at a known location in `source` (the file's text).
    #[must_use]
    pub fn at(mut self, location: Location, source: Arc<str>) -> Self {
        self.location = Some(location);
        self.source = Some(source);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic as rustc does: title, `--> file:line:column`, the source line with
    /// the node underlined, then the help. `styled` adds terminal colours.
    pub fn render(&self, styled: bool) -> String {
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = self.file.display().to_string().replace('\\', "/");
        let spec_path_label =
            (!self.spec_path.is_empty()).then(|| format!("at `{}`", self.spec_path));
        let mut group = Group::with_title(level.primary_title(&self.message));
        match (&self.source, &self.location) {
            (Some(source), Some(location)) => {
                let mut primary = AnnotationKind::Primary.span(location.span.clone());
                if let Some(label) = &spec_path_label {
                    primary = primary.label(label);
                }
                let mut snippet = Snippet::source(source.as_ref())
                    .path(&path)
                    .fold(true)
                    .annotation(primary);
                for related in &self.related {
                    if let Some(location) = &related.location {
                        snippet = snippet.annotation(
                            AnnotationKind::Context
                                .span(location.span.clone())
                                .label(&related.label),
                        );
                    }
                }
                group = group.element(snippet);
            }
            _ => {
                group = group.element(Origin::path(&path));
                if let Some(label) = &spec_path_label {
                    group = group.element(Level::NOTE.message(label));
                }
            }
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help));
        }
        let report: [Group<'_>; 1] = [group];
        renderer.render(&report)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Every problem of one run, so a run reports them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Gives a line and column to every diagnostic of `file` that has none, from its spec path.
    pub fn locate(&mut self, file: &Path, source: &Arc<str>, index: &SourceIndex) {
        for diagnostic in self.0.iter_mut().filter(|d| d.file == file) {
            if diagnostic.location.is_none() {
                diagnostic.location = index.locate(source, &diagnostic.spec_path);
                diagnostic.source = Some(Arc::clone(source));
            }
            for related in &mut diagnostic.related {
                related.location = index.locate(source, &related.spec_path);
            }
        }
    }

    /// Names every file from `folder` instead of from the specs folder.
    #[must_use]
    pub fn in_folder(mut self, folder: &Path) -> Self {
        for diagnostic in &mut self.0 {
            if diagnostic.file.is_relative() {
                diagnostic.file = folder.join(&diagnostic.file);
            }
        }
        self
    }

    /// Sorted by file, then line and column, then spec path: the order a reader fixes them in.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        self
    }

    /// Every diagnostic, then a summary line. When there are errors, warnings wait until they
    /// are fixed (as clippy's lints wait for a build that compiles): the errors come first.
    pub fn render(&self, styled: bool) -> String {
        let mut out = String::new();
        let errors_only = self.has_errors();
        for diagnostic in self.0.iter().filter(|d| d.is_error() || !errors_only) {
            out.push_str(&diagnostic.render(styled));
            out.push_str("\n\n");
        }
        out.push_str(&self.summary());
        out
    }

    /// `error: 3 errors in the specs; nothing was written`, or `warning: 2 warnings in the specs`.
    pub fn summary(&self) -> String {
        let counted = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        match (self.error_count(), self.warning_count()) {
            (0, warnings) => format!("warning: {} in the specs", counted(warnings, "warning")),
            (errors, 0) => format!(
                "error: {} in the specs; nothing was written",
                counted(errors, "error")
            ),
            (errors, warnings) => format!(
                "error: {} in the specs; nothing was written ({} shown once the errors are fixed)",
                counted(errors, "error"),
                counted(warnings, "more warning")
            ),
        }
    }
}

/// File, line and column, spec path, errors before warnings, message.
fn sort_key(d: &Diagnostic) -> (&Path, Option<(usize, usize)>, &str, Severity, &str) {
    let position = d.location.as_ref().map(|l| (l.line, l.column));
    (&d.file, position, &d.spec_path, d.severity, &d.message)
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Diagnostics {}
