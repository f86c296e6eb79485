//! The report as text for a terminal, or as Markdown for a pull request's comment: breaking
//! changes first, since those are what a reviewer must decide on.

use super::{Bump, Change, ChangeReport, Class, Version};
use std::fmt::Write;

/// What the report is about, besides its changes.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The git ref the specs are compared with.
    pub base: &'a str,
    /// The client crate's package name and current version, when its manifest says.
    pub package: Option<(&'a str, Version)>,
}

pub fn text(report: &ChangeReport, cx: &Context<'_>) -> String {
    let mut out = String::new();
    if report.changes.is_empty() {
        let _ = writeln!(out, "No API changes since {}.", cx.base);
    } else {
        let _ = writeln!(out, "API changes since {}: {}.", cx.base, counts(report));
    }
    let _ = writeln!(out, "{}", bump_line(report, cx, false));
    for (class, title) in [
        (Class::Breaking, "Breaking"),
        (Class::Compatible, "Compatible"),
    ] {
        let changes: Vec<&Change> = report.of_class(class).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        for change in changes {
            let _ = writeln!(out, "  {}: {}", change.subject, change.what);
            let _ = writeln!(out, "      {}", change.reason);
        }
    }
    out
}

pub fn markdown(report: &ChangeReport, cx: &Context<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## API changes since `{}`: {}\n",
        cx.base,
        bump_title(report.bump())
    );
    if report.changes.is_empty() {
        let _ = writeln!(out, "No API changes.\n");
    } else {
        let _ = writeln!(out, "{}.\n", capitalized(&counts(report)));
    }
    let _ = writeln!(out, "{}", bump_line(report, cx, true));
    for (class, title) in [
        (Class::Breaking, "Breaking"),
        (Class::Compatible, "Compatible"),
    ] {
        let changes: Vec<&Change> = report.of_class(class).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {title} ({})\n", changes.len());
        let _ = writeln!(out, "| Item | Change | Why |");
        let _ = writeln!(out, "| --- | --- | --- |");
        for change in changes {
            let subject = if change.subject.contains('`') {
                cell(&change.subject)
            } else {
                format!("`{}`", change.subject)
            };
            let _ = writeln!(
                out,
                "| {subject} | {} | {} |",
                cell(&change.what),
                cell(&change.reason)
            );
        }
    }
    out
}

/// "2 breaking, 3 compatible (1 documentation only)".
fn counts(report: &ChangeReport) -> String {
    let breaking = report.of_class(Class::Breaking).count();
    let compatible = report.of_class(Class::Compatible).count();
    let docs = report.changes.iter().filter(|c| c.is_docs_only()).count();
    let mut text = format!("{breaking} breaking, {compatible} compatible");
    if docs > 0 {
        let _ = write!(text, " ({docs} documentation only)");
    }
    text
}

fn bump_title(bump: Bump) -> &'static str {
    match bump {
        Bump::None => "no version bump",
        Bump::Patch => "patch bump (documentation only)",
        Bump::Minor => "minor bump (compatible)",
        Bump::Major => "major bump (breaking)",
    }
}

/// The bump, and the version it leads to when the crate's version is known.
fn bump_line(report: &ChangeReport, cx: &Context<'_>, markdown: bool) -> String {
    let bump = report.bump();
    let Some((package, current)) = cx.package else {
        return format!("Semver: {}.", bump_title(bump));
    };
    let next = current.next(bump);
    let (package, next_text) = if markdown {
        (format!("`{package}`"), format!("**{next}**"))
    } else {
        (package.to_owned(), next.to_string())
    };
    // Below 1.0 the numbers mean something else; say so, or `0.1.0 → 0.2.0` reads like a minor bump.
    let zero = if current.major == 0 && bump >= Bump::Minor {
        " (below 1.0, cargo reads the minor number as the major one)"
    } else {
        ""
    };
    if next == current {
        format!(
            "Semver: {}: {package} stays at {current}.",
            bump_title(bump)
        )
    } else {
        format!(
            "Semver: {}: {package} {current} → {next_text}{zero}.",
            bump_title(bump)
        )
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Text for a table cell: one line, and no `|` ending the cell early.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
