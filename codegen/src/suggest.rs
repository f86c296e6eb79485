//! Did-you-mean: the known name closest to a misspelled one.

/// The candidate closest to `word`, if one is close enough to be the likely intent.
///
/// Jaro-Winkler similarity (what clap uses for its suggestions) favours shared prefixes, which
/// suits transcription typos (`fileds`, `LinkStatuss`); a single edit or swap and a
/// case-insensitive match rank above it.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let other = candidate.to_lowercase();
        let score = if other == lower {
            2.0
        } else if strsim::osa_distance(&lower, &other) == 1 {
            // One edit or one swap (`GTE` for `GET`), which Jaro-Winkler rates low in short words.
            1.0 + strsim::jaro_winkler(&lower, &other) / 2.0
        } else {
            strsim::jaro_winkler(&lower, &other)
        };
        if score >= 0.8 && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// `did you mean `x`? ` when a candidate is close, else nothing; prefixed to a help line.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates).map_or_else(String::new, |c| format!("did you mean `{c}`? "))
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_the_likely_intent_or_nothing() {
        let keys = ["name", "rust_name", "type", "required", "default", "docs"];
        let cases = [
            ("nmae", Some("name")),
            ("requried", Some("required")),
            ("Type", Some("type")),
            ("doc", Some("docs")),
            ("defualt", Some("default")),
            ("name", None),
            ("completely_else", None),
            ("", None),
        ];
        for (word, expected) in cases {
            assert_eq!(closest(word, keys), expected, "for `{word}`");
        }
        assert_eq!(
            closest("LinkStatuss", ["LinkSource", "LinkStatus", "FuncInfo"]),
            Some("LinkStatus")
        );
        assert_eq!(closest("comon", ["common", "global"]), Some("common"));
        assert_eq!(closest("GTE", ["GET", "POST"]), Some("GET"));
        assert_eq!(closest("PUT", ["GET", "POST"]), None);
    }
}
