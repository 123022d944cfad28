//! House rules as tests over the repository's tracked files: module docs, no unwrap in product
//! code, no shell scripts, pinned images, loopback-bound ports, no ignored tests. Each failure
//! names the file and line.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, ensure};
use test_support::workspace_root;

/// Tracked files (as `git ls-files` lists them), relative to the workspace root.
fn tracked() -> Result<Vec<String>> {
    let out = Command::new("git").arg("ls-files").current_dir(workspace_root()).output().context("run git ls-files")?;
    ensure!(out.status.success(), "git ls-files failed: {}", String::from_utf8_lossy(&out.stderr));
    let root = workspace_root();
    Ok(String::from_utf8_lossy(&out.stdout).lines().filter(|f| root.join(f).is_file()).map(str::to_string).collect())
}

fn read(rel: &str) -> Result<String> {
    std::fs::read_to_string(workspace_root().join(rel)).with_context(|| format!("read {rel}"))
}

/// Fails listing every violation (`file:line: rule`).
fn assert_none(violations: Vec<String>, rule: &str) {
    assert!(violations.is_empty(), "{rule}:\n{}", violations.join("\n"));
}

/// Tracked Rust files.
fn rust_files() -> Result<Vec<String>> {
    Ok(tracked()?.into_iter().filter(|f| f.ends_with(".rs")).collect())
}

/// Every Rust module opens with a `//!` line saying why it exists.
#[test]
fn every_module_starts_with_a_doc_line() -> Result<()> {
    let mut bad = Vec::new();
    for file in rust_files()? {
        if !read(&file)?.starts_with("//!") {
            bad.push(format!("{file}:1: does not start with a `//!` line saying why the module exists"));
        }
    }
    assert_none(bad, "modules without a //! header");
    Ok(())
}

/// Line numbers (1-based) of the lines inside `#[cfg(test)]` items, found by brace depth.
fn test_lines(text: &str) -> Vec<bool> {
    let lines: Vec<&str> = text.lines().collect();
    let mut in_test = vec![false; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != "#[cfg(test)]" {
            i += 1;
            continue;
        }
        let mut depth = 0i64;
        let mut opened = false;
        while i < lines.len() {
            in_test[i] = true;
            for c in lines[i].chars() {
                match c {
                    '{' => (depth, opened) = (depth + 1, true),
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            let item_ended = (opened && depth <= 0) || (!opened && lines[i].trim_end().ends_with(';'));
            i += 1;
            if item_ended {
                break;
            }
        }
    }
    in_test
}

/// Module files declared as `#[cfg(test)] [#[...]] mod name;` in `parent` (path prefixes: the
/// module's own file and its folder, or the file a `#[path = "..."]` attribute names).
fn test_module_paths(parent: &str, text: &str) -> Vec<String> {
    let parent_dir = parent.rsplit_once('/').map_or("", |(d, _)| d);
    let dir = match parent.rsplit_once('/') {
        Some((dir, "mod.rs" | "lib.rs" | "main.rs")) => dir.to_string(),
        _ => parent.trim_end_matches(".rs").to_string(),
    };
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut out = Vec::new();
    for (i, _) in lines.iter().enumerate().filter(|(_, l)| **l == "#[cfg(test)]") {
        let attrs: Vec<&str> = lines[i + 1..].iter().take_while(|l| l.starts_with("#[")).copied().collect();
        let Some(decl) = lines.get(i + 1 + attrs.len()) else { continue };
        let decl = decl.strip_prefix("pub ").unwrap_or(decl);
        let Some(name) = decl.strip_prefix("mod ").and_then(|d| d.strip_suffix(';')) else { continue };
        let path_attr = attrs.iter().find_map(|a| a.strip_prefix("#[path = \"")?.strip_suffix("\"]"));
        match path_attr {
            Some(file) => out.push(format!("{parent_dir}/{file}")),
            None => out.extend([format!("{dir}/{name}.rs"), format!("{dir}/{name}/")]),
        }
    }
    out
}

/// Product code (xtask/src and crates/*/src, test-support aside: it is test code) has no
/// `.unwrap()`; tests may (inline `#[cfg(test)]` modules and module files declared that way).
#[test]
fn no_unwrap_outside_tests() -> Result<()> {
    let needle = concat!(".unwr", "ap()");
    let mut bad = Vec::new();
    let product = |f: &str| {
        (f.starts_with("xtask/src/") || (f.starts_with("crates/") && f.contains("/src/")))
            && !f.starts_with("crates/test-support/")
    };
    let files: Vec<String> = rust_files()?.into_iter().filter(|f| product(f)).collect();
    let mut test_paths = Vec::new();
    for file in &files {
        test_paths.extend(test_module_paths(file, &read(file)?));
    }
    let is_test_file = |f: &str| test_paths.iter().any(|p| f == p || (p.ends_with('/') && f.starts_with(p.as_str())));
    for file in files.iter().filter(|f| !is_test_file(f)) {
        let text = read(file)?;
        let skip = test_lines(&text);
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or(line);
            if !skip[n] && code.contains(needle) {
                bad.push(format!("{file}:{}: {needle} outside tests: {}", n + 1, line.trim()));
            }
        }
    }
    assert_none(bad, "unwrap in product code (use anyhow::Context and a clear error)");
    Ok(())
}

/// The cfg(test) detector skips a test module and nothing after it.
#[test]
fn test_module_detection() {
    let text = "fn a() {}\n#[cfg(test)]\nmod tests {\n    fn b() { x }\n}\nfn c() {}\n";
    assert_eq!(test_lines(text), vec![false, true, true, true, true, false]);
    assert_eq!(test_lines("#[cfg(test)]\nmod t;\nfn d() {}\n"), vec![true, true, false]);
    let decl = "#[cfg(test)]\nmod tests;\n";
    assert_eq!(test_module_paths("c/x/src/http.rs", decl), vec!["c/x/src/http/tests.rs", "c/x/src/http/tests/"]);
    assert_eq!(test_module_paths("c/x/src/lib.rs", decl), vec!["c/x/src/tests.rs", "c/x/src/tests/"]);
    let with_attrs = "#[cfg(test)]\n#[allow(clippy::unwrap_used)]\n#[path = \"s_tests.rs\"]\nmod tests;\n";
    assert_eq!(test_module_paths("c/x/src/s.rs", with_attrs), vec!["c/x/src/s_tests.rs"]);
}

/// No shell scripts: tooling lives in the xtask crate (`.ci/run` is the one allowed entry).
#[test]
fn no_shell_scripts() -> Result<()> {
    let bad: Vec<String> = tracked()?
        .into_iter()
        .filter(|f| f.ends_with(".sh") || f.ends_with(".bash"))
        .map(|f| format!("{f}:1: shell script; write it as an xtask command"))
        .collect();
    assert_none(bad, "shell scripts");
    Ok(())
}

/// No test is ignored or expects a panic: a test that needs a missing tool fails with an install
/// hint, and an error is asserted on its `Err` and message.
#[test]
fn no_ignored_or_should_panic_tests() -> Result<()> {
    let needles = [concat!("#[", "ignore"), concat!("#[", "should_panic")];
    let mut bad = Vec::new();
    for file in rust_files()? {
        for (n, line) in read(&file)?.lines().enumerate() {
            if let Some(needle) = needles.iter().find(|needle| line.trim_start().starts_with(**needle)) {
                bad.push(format!("{file}:{}: {needle}]: make the test pass, or assert on the Err", n + 1));
            }
        }
    }
    assert_none(bad, "ignored or should_panic tests");
    Ok(())
}

/// `(line number, trimmed text)` of the compose file's lines that start with `prefix`.
fn compose_lines(prefix: &str) -> Result<Vec<(usize, String)>> {
    let text = read(obs_stack::COMPOSE_FILE)?;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(prefix))
        .map(|(n, l)| (n + 1, l.trim().to_string()))
        .collect())
}

/// Whether an image reference has an exact version tag (`name:1.2.3` or `name:v1.2.3`).
fn pinned(image: &str) -> bool {
    let Some((_, tag)) = image.rsplit_once(':').filter(|(name, _)| !name.is_empty()) else { return false };
    let version = tag.strip_prefix('v').unwrap_or(tag);
    let parts: Vec<&str> = version.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Every compose image is pinned to an exact version: never `latest`, never untagged.
#[test]
fn compose_images_are_pinned() -> Result<()> {
    let images = compose_lines("image:")?;
    ensure!(!images.is_empty(), "{} has no image lines", obs_stack::COMPOSE_FILE);
    let file = obs_stack::COMPOSE_FILE;
    let bad: Vec<String> = images
        .into_iter()
        .filter(|(_, l)| !pinned(l.trim_start_matches("image:").trim()))
        .map(|(n, l)| format!("{file}:{n}: `{l}` is not pinned to an exact version (name:X.Y.Z)"))
        .collect();
    assert_none(bad, "unpinned images");
    assert!(pinned("prom/prometheus:v3.14.0") && pinned("grafana/tempo:3.0.3"));
    assert!(!pinned("grafana/tempo:latest") && !pinned("grafana/tempo") && !pinned("localhost:5000/x"));
    Ok(())
}

/// Every published compose port binds `${OBS_BIND:-127.0.0.1}` (loopback unless asked).
#[test]
fn compose_ports_bind_loopback_by_default() -> Result<()> {
    let text = read(obs_stack::COMPOSE_FILE)?;
    let file = obs_stack::COMPOSE_FILE;
    let mut in_ports = false;
    let mut seen = 0;
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed == "ports:" {
            in_ports = true;
        } else if in_ports && trimmed.starts_with("- ") {
            seen += 1;
            let spec = trimmed.trim_start_matches("- ").trim_matches('"');
            if !spec.starts_with("${OBS_BIND:-127.0.0.1}:") {
                bad.push(format!("{file}:{}: `{spec}` is not published on ${{OBS_BIND:-127.0.0.1}}", n + 1));
            }
        } else if !trimmed.starts_with('#') {
            in_ports = false;
        }
    }
    ensure!(seen > 0, "{file} publishes no ports");
    assert_none(bad, "ports reachable from the LAN");
    Ok(())
}

/// The compose file exists where obs-stack says.
#[test]
fn compose_file_is_where_obs_stack_says() {
    assert!(Path::new(&workspace_root().join(obs_stack::COMPOSE_FILE)).is_file());
}
