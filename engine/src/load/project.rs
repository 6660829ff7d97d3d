//! Project scan (temporary minimal version; replaced by the full scan).

use std::io;
use std::path::{Path, PathBuf};

/// A project: a directory and the workflow files to lint in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    pub root: PathBuf,
    pub workflows: Vec<PathBuf>,
}

/// Top-level `.dig` files of a project directory.
pub fn workflow_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root)? {
        let p = e?.path();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if p.is_file() && name.ends_with(".dig") && !name.starts_with('.') {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

/// Projects under the given paths.
pub fn find_projects(paths: &[PathBuf]) -> io::Result<Vec<Project>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            let root = p.parent().map(Path::to_path_buf).unwrap_or_default();
            out.push(Project {
                root,
                workflows: vec![p.clone()],
            });
        } else {
            walk(p, &mut out)?;
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<Project>) -> io::Result<()> {
    let wfs = workflow_files(dir)?;
    if !wfs.is_empty() {
        out.push(Project {
            root: dir.to_path_buf(),
            workflows: wfs,
        });
    }
    let mut subs: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    subs.sort();
    for s in subs {
        walk(&s, out)?;
    }
    Ok(())
}
